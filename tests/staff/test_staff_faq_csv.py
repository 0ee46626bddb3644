"""The staff FAQ file: CSV variants, errors naming the column or the line, lenient comparison."""

from __future__ import annotations

import pytest

from tests import ROOT
from staff.faq import FaqError, FaqRow, conversations, judge, read_faq

pytestmark = pytest.mark.unit


def write(tmp_path, text: str, bom: bool = False):
    path = tmp_path / "faq.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("sep", [";", ","])
def test_faq_csv_variants(tmp_path, bom, sep):
    text = f'question{sep}attendu{sep}interdit{sep}conversation\n' \
           f'"quelles études, pour devenir dircom ?"{sep}bac + 5|master{sep}€{sep}\n' \
           f'et le code rome ?{sep}E1103{sep}{sep}c1\n'
    rows = read_faq(write(tmp_path, text, bom))
    assert [r.question for r in rows] == ["quelles études, pour devenir dircom ?", "et le code rome ?"]
    assert rows[0].expected == ["bac + 5", "master"] and rows[0].forbidden == ["€"]
    assert rows[1].conversation == "c1" and rows[1].line == 3


def test_faq_csv_optional_columns_may_be_absent(tmp_path):
    rows = read_faq(write(tmp_path, "Question;Attendu\nbonjour;assistant\n"))
    assert rows == [FaqRow(2, "bonjour", ["assistant"], [], "")]


def test_faq_csv_missing_column_is_named(tmp_path):
    with pytest.raises(FaqError, match="colonne « attendu » absente"):
        read_faq(write(tmp_path, "question;réponse\nbonjour;salut\n"))


def test_faq_csv_row_with_too_many_cells_names_its_line(tmp_path):
    with pytest.raises(FaqError, match="ligne 3"):
        read_faq(write(tmp_path, "question;attendu\nbonjour;salut\nbonjour;salut;en trop;encore\n"))


def test_faq_csv_row_with_nothing_to_check_names_its_line(tmp_path):
    with pytest.raises(FaqError, match="ligne 2 : rien à vérifier : « attendu » est vide"):
        read_faq(write(tmp_path, "question,attendu\nbonjour,\n"))


def test_faq_csv_not_utf8(tmp_path):
    path = tmp_path / "faq.csv"
    path.write_bytes("question;attendu\nétudes;bac\n".encode("latin-1"))
    with pytest.raises(FaqError, match="UTF-8"):
        read_faq(path)


def test_comparison_ignores_case_accents_and_white_space():
    row = FaqRow(2, "q", ["BAC+5", "Etudes  politiques", "directrice"], ["€"])
    assert judge(row, "niveau bac + 5, institut d'études\npolitiques, Directrice").passed
    verdict = judge(row, "bac + 5, études politiques, directrice, 3 000 €")
    assert not verdict.passed and verdict.present_forbidden == ["€"]
    assert judge(row, "bac+4").missing == ["BAC+5", "Etudes  politiques", "directrice"]


def test_rows_sharing_a_conversation_play_together_in_order():
    rows = [FaqRow(2, "a", ["x"], conversation="c1"), FaqRow(3, "b", ["x"]), FaqRow(4, "c", ["x"], conversation="c1")]
    assert [[r.question for r in group] for group in conversations(rows)] == [["a", "c"], ["b"]]


def test_the_shipped_example_covers_the_base():
    rows = read_faq(ROOT / "faq" / "exemple.csv")
    assert len(rows) >= 60
    asked = " ".join(r.question + " " + " ".join(r.expected) for r in rows).lower()
    for fact in ["mét.650" if False else "met.650", "rncp35746", "isefac", "agence de communication",
                 "collectivité", "vae", "bac + 5", "e1103"]:
        assert fact in asked, fact
