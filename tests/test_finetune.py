"""Fine-tuning on a handful of examples teaches a new agency name and keeps the known labels."""

from __future__ import annotations

import sys
from pathlib import Path

import tcbio_nlp
from tcbio_nlp.corpora import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
from evaluate_ner import Tally, score_rows  # noqa: E402
from finetune_ner import finetune  # noqa: E402

NEW = "國家同步輻射研究中心"
TRAIN_SENTENCES = [
    f"{NEW}今年開放光束線供生醫研究團隊使用。",
    f"國科會委託{NEW}建置蛋白質結晶實驗站。",
    f"研究團隊利用{NEW}的光源解析抗體結構。",
    f"{NEW}與中研院合作開發新藥篩選平臺。",
    f"本計畫由{NEW}提供實驗設施與技術支援。",
    f"衛福部食藥署與{NEW}簽署合作備忘錄。",
    f"{NEW}於114年完成新一代光源升級工程。",
    f"經濟部補助廠商使用{NEW}的檢測服務。",
]
HELD_OUT = f"今年{NEW}舉辦使用者會議，說明光束線申請方式。"


def rows_for(sentences: list[str]) -> list[dict]:
    rows = []
    for i, text in enumerate(sentences):
        ents = []
        for name in (NEW, "國科會", "中研院", "衛福部食藥署", "經濟部"):
            start = text.find(name)
            if start >= 0:
                ents.append({"start": start, "end": start + len(name), "label": "AGENCY", "text": name})
        rows.append({"id": f"ft-{i}", "source": "test", "text": text, "entities": ents})
    return rows


def micro_f(nlp, rows) -> float:
    total = Tally()
    for tally in score_rows(nlp, rows)[0].values():
        total += tally
    return total.micro.fscore


def test_finetuning_teaches_a_new_agency_without_breaking_known_labels() -> None:
    nlp = tcbio_nlp.load()
    assert NEW not in [e.text for e in nlp(HELD_OUT).ents]
    dev = read_jsonl(ROOT / "corpora/ner/seeds-dev.jsonl")[:12]
    before = micro_f(nlp, dev)

    finetune(nlp, rows_for(TRAIN_SENTENCES), iterations=8, rehearse=40, seed=0, log=False)

    assert (NEW, "AGENCY") in [(e.text, e.label_) for e in nlp(HELD_OUT).ents]
    after = micro_f(nlp, dev)
    assert after >= before - 0.05, (before, after)
