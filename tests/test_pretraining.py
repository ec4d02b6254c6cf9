"""Pretraining text leaves out held-out documents, and the reader tokenises it as the NER will."""

import json
import sys
from pathlib import Path

import spacy

from tcbio_nlp.training.corpus import create_pretrain_text_reader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
import pretrain_text  # noqa: E402

GENRE = Path(__file__).resolve().parents[1] / "corpora" / "genre"


def test_chunks_cut_at_line_ends_within_the_size() -> None:
    text = "".join(f"第{i}行：衛生福利部食品藥物管理署公告。\n" for i in range(200)) + "長" * 2500
    pieces = pretrain_text.chunks(text, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith("\n") for p in pieces[:5])


def test_a_record_quoting_a_dev_document_is_left_out() -> None:
    windows = pretrain_text.held_out_windows(GENRE, splits=("dev",))
    dev_text = json.loads((GENRE / "dev.jsonl").open(encoding="utf-8").readline())["text"]
    quoting = "立法院公報轉載如下：\n" + dev_text[:200] + "\n以上。"
    assert pretrain_text.shares_passage(quoting, windows)
    # a short stock phrase shared with the documents is not enough
    assert not pretrain_text.shares_passage("衛生福利部食品藥物管理署公告：本公告自即日生效。" * 3, windows)


def test_reader_loads_the_segmenter_and_yields_tokenised_text(nlp, tmp_path) -> None:
    seg_dir = tmp_path / "pkuseg"
    seg_dir.mkdir()
    nlp.tokenizer.pkuseg.feature_extractor.save(str(seg_dir))
    nlp.tokenizer.pkuseg.model.save(str(seg_dir))
    raw = tmp_path / "text.jsonl"
    raw.write_text("\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (
        "衛生福利部食品藥物管理署核發藥品許可證，並公告於行政院公報。",
        "短句。",
    )) + "\n", encoding="utf-8")
    blank = spacy.util.load_model_from_config(nlp.config, auto_fill=True, validate=False)
    assert blank.tokenizer.pkuseg is None  # what `spacy pretrain` gets: no segmenter model
    examples = list(create_pretrain_text_reader(str(raw), pkuseg_model=str(seg_dir), min_length=5)(blank))
    assert len(examples) == 1  # the three-token text is skipped
    words = [t.text for t in examples[0].reference]
    assert "".join(words) == "衛生福利部食品藥物管理署核發藥品許可證，並公告於行政院公報。"
    assert len(words) < 20  # words, not single characters
