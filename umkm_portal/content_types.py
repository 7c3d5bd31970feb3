"""The content types of the files the portal sends, by the extension it gives them."""

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Download formats offered for tables and lists: extension -> content type.
BY_EXTENSION = {"csv": CSV, "xlsx": XLSX}
