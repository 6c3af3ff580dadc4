"""Synthetic bodies with random but consistent figures, for benchmarks and property tests (never for reports)."""

from __future__ import annotations

import random

from generator.format import schema

NARRATIVE = {
    "narrative.overview.active": "全年主动公开政府信息，制发行政规范性文件{{ t2.art20_1.normative_docs.issued }}件。",
    "narrative.overview.on_request": "全年新收政府信息公开申请{{ t3.new_received.total }}件，上年结转{{ t3.carried_over.total }}件。",
    "narrative.overview.management": "落实公文公开属性源头认定和保密审查制度。",
    "narrative.overview.platform": "维护政府网站政府信息公开专栏。",
    "narrative.overview.supervision": "将政务公开纳入年度考核，开展社会评议，未发生责任追究事项。",
    "narrative.problems": "存在的主要问题：政策解读形式单一。\n改进情况：增加图解等解读形式。",
    "narrative.other": "本年度未收取信息处理费。",
}


def synthetic_values(seed: int, year: int = 2023) -> dict[str, str]:
    """The long-format values of one synthetic body (the seed names it), valid under every error rule."""
    rng = random.Random(seed)
    values: dict[str, int] = {}
    for block in schema.T2_BLOCKS:
        for row, _ in block.rows:
            for column, _ in block.columns:
                values[f"{block.prefix}.{row}.{column}"] = rng.randint(0, 500)
    values["t2.art20_1.regulations.issued"] = values["t2.art20_1.regulations.repealed"] = 0
    values["t2.art20_1.regulations.in_force"] = 0
    for column in schema.T3_APPLICANT_COLUMNS:
        busy = column == "natural_person" or rng.random() < 0.4
        for row in schema.T3_RESULT_ROWS:
            values[f"t3.{row}.{column}"] = rng.randint(0, 12) if busy and rng.random() < 0.5 else 0
        processed = sum(values[f"t3.{row}.{column}"] for row in schema.T3_RESULT_ROWS)
        forward = rng.randint(0, 3) if busy else 0
        carried = rng.randint(0, min(processed + forward, 3))
        values[f"t3.total_processed.{column}"] = processed
        values[f"t3.carried_forward.{column}"] = forward
        values[f"t3.carried_over.{column}"] = carried
        values[f"t3.new_received.{column}"] = processed + forward - carried
    for row in schema.T3_ROW_KEYS:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in schema.T3_APPLICANT_COLUMNS)
    for group, _, _ in schema.T4_GROUPS:
        parts = [rng.randint(0, 3) for _ in range(4)]
        for (outcome, _), count in zip(schema.T4_OUTCOMES, [*parts, sum(parts)], strict=True):
            values[f"t4.{group}.{outcome}"] = count
    # 复议后起诉 cannot exceed the reviews concluded (W-review): keep the sample free of warnings.
    concluded = sum(values[f"t4.review.{o}"] for o in ("upheld", "corrected", "other"))
    if values["t4.litigation_after_review.total"] > concluded:
        for outcome, _ in schema.T4_OUTCOMES:
            values[f"t4.litigation_after_review.{outcome}"] = 0
    text = {key: str(value) for key, value in values.items()}
    text["t2.art20_8.admin_fees.amount_wan_yuan"] = f"{rng.randint(0, 99_999_999) / 10_000:.4f}"
    meta = {
        "meta.body": f"示例县第{seed}局",
        "meta.year": str(year),
        "meta.issue_date": f"{year + 1}-01-20",
        "meta.body_kind": "部门",
    }
    return {**meta, **text, **NARRATIVE}


def following_year(values: dict[str, str], seed: int) -> dict[str, str]:
    """The next year of the body `values` describes, consistent with it: 上年结转 equals last year's 结转下年度,
    现行有效 rolls forward by 制发 − 废止, and the other key figures stay near last year's (no continuity warning)."""
    year = int(values["meta.year"]) + 1
    new = {**synthetic_values(seed, year), **{k: v for k, v in values.items() if k.startswith("meta.body")}}
    new["meta.issue_date"] = f"{year + 1}-01-20"
    for key in values:
        if key.startswith(("t2.", "t4.")):
            new[key] = values[key]
    for row in ("regulations", "normative_docs"):
        prefix = f"t2.art20_1.{row}"
        issued = int(new[f"{prefix}.issued"])
        repealed = min(int(new[f"{prefix}.repealed"]), int(values[f"{prefix}.in_force"]) + issued)
        new[f"{prefix}.repealed"] = str(repealed)
        new[f"{prefix}.in_force"] = str(int(values[f"{prefix}.in_force"]) + issued - repealed)
    for column in schema.T3_APPLICANT_COLUMNS:
        carried = int(values[f"t3.carried_forward.{column}"])
        processed = int(new[f"t3.total_processed.{column}"])
        forward = int(new[f"t3.carried_forward.{column}"])
        forward = max(forward, carried - processed)  # never fewer applications received than none
        new[f"t3.carried_over.{column}"] = str(carried)
        new[f"t3.carried_forward.{column}"] = str(forward)
        new[f"t3.new_received.{column}"] = str(processed + forward - carried)
    for row in ("new_received", "carried_over", "carried_forward"):
        new[f"t3.{row}.total"] = str(sum(int(new[f"t3.{row}.{c}"]) for c in schema.T3_APPLICANT_COLUMNS))
    return new


def published_page(values: dict[str, str]) -> bytes:
    """The body's report as this tool renders it for the web: a published page to audit. Values that fail
    validation are rendered anyway (the page then says so on its first line, which importing skips)."""
    from generator import render, validate
    from generator.format.model import RawValue, assemble

    data = assemble(str(values["meta.body"]), {key: RawValue(value) for key, value in values.items()})
    return render(data, validate(data), ["html"], force=True)["html"]
