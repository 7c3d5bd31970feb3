from collections import defaultdict

from django.db import migrations

# Rule order of PossibleDuplicate.Rule when this migration was written.
RULE_ORDER = ("name_birth_date", "phone", "bank_account")
DECISION_FIELDS = ("decision", "decided_by_id", "decided_at", "note")


def fold_into_pairs(apps, schema_editor):
    """Fold the rows of one (unordered) pair, one per rule, into a single row.

    The row kept is the pair's oldest; it gets the lower application id first, every rule
    that matched, the earliest creation time and the latest decision (the old service
    decided all open rows of a pair together, so they agree).
    """
    PossibleDuplicate = apps.get_model("aid", "PossibleDuplicate")
    groups = defaultdict(list)
    for row in PossibleDuplicate.objects.order_by("pk"):
        groups[tuple(sorted((row.application_id, row.other_id)))].append(row)
    keep, drop = [], []
    for (low, high), rows in groups.items():
        kept, *rest = rows
        decided = [r for r in rows if r.decision]
        if decided:
            latest = max(decided, key=lambda r: (r.decided_at is not None, r.decided_at, r.pk))
            for name in DECISION_FIELDS:
                setattr(kept, name, getattr(latest, name))
        matched = {r.rule for r in rows}
        kept.rules = ",".join(rule for rule in RULE_ORDER if rule in matched)
        kept.application_id, kept.other_id = low, high
        kept.created_at = min(r.created_at for r in rows)
        keep.append(kept)
        drop.extend(r.pk for r in rest)
    for start in range(0, len(drop), 5000):
        PossibleDuplicate.objects.filter(pk__in=drop[start : start + 5000]).delete()
    PossibleDuplicate.objects.bulk_update(
        keep,
        ["application_id", "other_id", "rules", "created_at", *DECISION_FIELDS],
        batch_size=1000,
    )


def split_into_rules(apps, schema_editor):
    """Back to one row per rule: the pair's row takes its first rule, copies the others."""
    PossibleDuplicate = apps.get_model("aid", "PossibleDuplicate")
    changed, copies = [], []
    for row in PossibleDuplicate.objects.order_by("pk"):
        first, *others = row.rules.split(",")
        row.rule = first
        changed.append(row)
        for rule in others:
            copies.append(
                PossibleDuplicate(
                    application_id=row.application_id,
                    other_id=row.other_id,
                    rule=rule,
                    rules=rule,
                    created_at=row.created_at,
                    **{name: getattr(row, name) for name in DECISION_FIELDS},
                )
            )
    PossibleDuplicate.objects.bulk_update(changed, ["rule"], batch_size=1000)
    PossibleDuplicate.objects.bulk_create(copies, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0015_possible_duplicate_rules"),
    ]

    operations = [migrations.RunPython(fold_into_pairs, split_into_rules)]
