"""Reading a directive from its file: the reference as .txt, .docx and PDF, a corpus, bad files."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.documents import extract
from campaigns.documents.body import parse_body
from campaigns.documents.extract import (
    MAX_BYTES,
    DirectiveImportError,
    extract_directive_text,
    normalise_text,
    read_directive_file,
)
from tests.campaigns.reference_document import REFERENCE, reference_context, reference_docx

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "directives"
SOURCES = CORPUS / "SOURCES.md"
CORPUS_FILES = sorted(
    path
    for path in CORPUS.iterdir()
    if path.is_file() and not path.name.endswith(".json") and path != SOURCES
)
QUOC_HIEU = re.compile(r"CỘNG\s*H(?:ÒA|OÀ)\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM", re.I)
CAY_TRE = (
    "“Xây dựng và phát triển nền đối ngoại, ngoại giao Việt Nam toàn diện, hiện đại mang đậm "
    "bản sắc “Cây tre Việt Nam””"
)

# Written by hand from reading the reference directive; its body is checked block by block below.
REFERENCE_EXPECTED = {
    "layout": "party",
    "superior_body": "ĐẢNG ỦY KHỐI CƠ QUAN DÂN CHÍNH ĐẢNG TP CẦN THƠ",
    "issuing_body": "BAN TUYÊN GIÁO",
    "kind": "HD",
    "number": 32,
    "symbol": "32-HD/BTGĐUK",
    "place": "Cần Thơ",
    "date": "2024-03-29",
    "subject": (
        "Triển khai đợt sinh hoạt chính trị, tư tưởng sâu rộng về nội dung tác phẩm "
        f"{CAY_TRE} của Tổng Bí thư Nguyễn Phú Trọng"
    ),
    "addressees": [],
    "basis": [
        {
            "kind": "HD",
            "symbol": "52-HD/BTGTU",
            "date": "2024-03-14",
            "issuer": "Ban Tuyên giáo Thành ủy Cần Thơ",
        }
    ],
    "basis_text": (
        "Thực hiện Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024 của Ban Tuyên giáo Thành ủy Cần Thơ "
        "về việc triển khai đợt sinh hoạt chính trị, tư tưởng sâu rộng về nội dung tác phẩm "
        f"{CAY_TRE} của Tổng Bí thư Nguyễn Phú Trọng, Ban Tuyên giáo Đảng ủy Khối cơ quan Dân "
        "Chính Đảng thành phố xây dựng Hướng dẫn triển khai đợt sinh hoạt chính trị, tư tưởng sâu "
        "rộng về nội dung tác phẩm của Tổng Bí thư Nguyễn Phú Trọng, như sau:"
    ),
    "sections": [
        {"marker": "I-", "title": "MỤC ĐÍCH, YÊU CẦU"},
        {"marker": "II-", "title": "NỘI DUNG SINH HOẠT"},
        {"marker": "III-", "title": "TỔ CHỨC THỰC HIỆN"},
    ],
    "deadlines": [
        {
            "text": (
                "Tăng cường công tác kiểm tra, đôn đốc, báo cáo về Ban Tuyên giáo Đảng ủy Khối kết "
                "quả triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm trước ngày "
                "10/10/2024."
            ),
            "date": "2024-10-10",
            "month": None,
        }
    ],
    "materials": [],
    "recipients": [
        "Ban Tuyên giáo Thành ủy,",
        "Đ/c Trịnh Minh Thắng, UVBTV, Chủ nhiệm Ủy ban Kiểm tra Thành ủy,",
        "Thường trực Đảng ủy Khối,",
        "Các đ/c UVBCH Đảng bộ Khối,",
        "Cấp ủy các TCCSĐ trực thuộc,",
        "Văn phòng, các ban Đảng ủy Khối,",
        "Hội Cựu chiến binh Khối, Đoàn Khối,",
        "Lưu Ban Tuyên giáo Đảng ủy Khối.",
    ],
    "signing_authority": None,
    "signer_position": "TRƯỞNG BAN",
    "signer_name": "Nguyễn Văn Sẵn",
}


def _assert_reference(result: dict) -> None:
    """Every field of the reference right; the body parses to the same blocks as the file's."""
    assert set(result) == {*REFERENCE_EXPECTED, "body"}
    wrong = {key: result[key] for key, value in REFERENCE_EXPECTED.items() if result[key] != value}
    assert wrong == {}
    assert parse_body(result["body"]) == list(reference_context().blocks)
    lines = result["body"].split("\n")
    assert lines[0] == "I- MỤC ĐÍCH, YÊU CẦU"
    assert lines[-1].endswith("về tác phẩm trước ngày 10/10/2024.")
    assert "tộc Việt Nam." in result["body"]  # "tộc            Việt" in the file


def _reference_lines() -> list[str]:
    return REFERENCE.read_text(encoding="utf-8").splitlines()


# --- the reference directive -----------------------------------------------------------------


def test_reference_txt_comes_out_with_every_field_right():
    _assert_reference(extract_directive_text(read_directive_file(REFERENCE)))


def test_result_is_plain_json_data_and_the_same_each_time():
    text = REFERENCE.read_text(encoding="utf-8")
    first = extract_directive_text(text)
    assert json.loads(json.dumps(first, ensure_ascii=False)) == first
    assert extract_directive_text(text) == first
    strings = [first["subject"], first["signer_name"], *first["recipients"]]
    assert all(s == unicodedata.normalize("NFC", s) and s == s.strip() for s in strings)


def test_reference_docx_with_table_header_comes_out_with_every_field_right():
    data = reference_docx()
    _assert_reference(extract_directive_text(read_directive_file(data, "huong-dan-32.docx")))


def test_reference_docx_rendered_by_the_portal_reads_back_the_same():
    from campaigns.documents.render import render_docx

    data = render_docx(reference_context())
    _assert_reference(extract_directive_text(read_directive_file(data, "32-HD-BTGĐUK.docx")))


@pytest.mark.slow
def test_reference_pdf_rendered_by_the_portal_reads_back_the_same():
    """pdftotext -layout puts the two header columns side by side, numbers the pages and breaks
    every line; the result is the same as from the .txt."""
    from campaigns.documents.render import render_pdf

    data = render_pdf(reference_context())
    text = read_directive_file(data, "32-HD-BTGĐUK.pdf")
    assert "\f" in text  # several pages
    _assert_reference(extract_directive_text(text))


# --- .docx details ---------------------------------------------------------------------------


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _small_directive_docx() -> docx.Document:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ĐẢNG BỘ TỈNH BÌNH ĐỊNH"
    table.cell(0, 0).add_paragraph("ĐẢNG ỦY KHỐI CÁC CƠ QUAN")
    table.cell(0, 0).add_paragraph("*")
    table.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    table.cell(1, 0).text = "Số 108-KH/ĐUK"
    table.cell(1, 1).text = "Quy Nhơn, ngày 10 tháng 4 năm 2024"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Tổ chức hội nghị báo cáo viên quý II năm 2024")
    document.add_paragraph("-----")
    document.add_paragraph(
        "Thực hiện Kế hoạch số 107-KH/ĐUK ngày 05/4/2024 của Ban Thường vụ Đảng ủy Khối, "
        "Ban Tuyên giáo xây dựng Kế hoạch như sau:"
    )
    return document


def test_docx_automatic_list_numbers_and_bullets_are_read_as_markers():
    document = _small_directive_docx()
    document.add_paragraph("Thời gian tổ chức", style="List Number")
    document.add_paragraph("Thời gian: Tháng 5/2024.", style="List Bullet")
    document.add_paragraph("Thành phần dự hội nghị", style="List Number")
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Lưu VP.")
    document.add_paragraph("T/M BAN THƯỜNG VỤ")
    document.add_paragraph("PHÓ BÍ THƯ")
    document.add_paragraph("Trần Thị Thu Hương")

    result = extract_directive_text(read_directive_file(_save(document), "ke-hoach.docx"))

    assert result["body"].split("\n") == [
        "1. Thời gian tổ chức",
        "- Thời gian: Tháng 5/2024.",
        "2. Thành phần dự hội nghị",
    ]
    assert result["deadlines"] == [
        {"text": "Thời gian: Tháng 5/2024.", "date": None, "month": "2024-05"}
    ]
    assert (result["superior_body"], result["issuing_body"], result["symbol"]) == (
        "ĐẢNG BỘ TỈNH BÌNH ĐỊNH",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
        "108-KH/ĐUK",
    )
    assert (result["signing_authority"], result["signer_position"], result["signer_name"]) == (
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Trần Thị Thu Hương",
    )


def test_docx_all_caps_formatting_and_hyperlinks_are_read_as_shown():
    document = _small_directive_docx()
    heading = document.add_paragraph()
    heading.add_run("i- tài liệu sinh hoạt").font.all_caps = True
    paragraph = document.add_paragraph("- Sách điện tử, xem ")
    part = document.part
    r_id = part.relate_to(
        "https://stbook.vn/cay-tre",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = docx.oxml.OxmlElement("w:hyperlink")
    link.set(docx.oxml.ns.qn("r:id"), r_id)
    run = docx.oxml.OxmlElement("w:r")
    text = docx.oxml.OxmlElement("w:t")
    text.text = "tại đây"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Lưu VP.")

    result = extract_directive_text(read_directive_file(_save(document), "ke-hoach.docx"))

    assert result["sections"] == [{"marker": "I-", "title": "TÀI LIỆU SINH HOẠT"}]
    assert result["materials"] == [{"title": "Sách điện tử", "url": "https://stbook.vn/cay-tre"}]


# --- the corpus ------------------------------------------------------------------------------


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(f"{path.name}.expected.json").read_text(encoding="utf-8"))


def _compare(path: Path) -> tuple[int, dict[str, tuple[object, object]]]:
    expected = _expected(path)
    result = extract_directive_text(read_directive_file(path))
    assert set(result) == set(expected), f"{path.name}: keys differ"
    wrong = {key: (result[key], value) for key, value in expected.items() if result[key] != value}
    return len(expected), wrong


def test_corpus_has_at_least_25_documents_of_both_layouts_each_with_its_expected_result():
    assert len(CORPUS_FILES) >= 25
    assert all(path.with_name(f"{path.name}.expected.json").is_file() for path in CORPUS_FILES)
    kinds = {_expected(path)["kind"] for path in CORPUS_FILES}
    assert {"HD", "KH", "CV", "TB", "BC"} <= kinds
    layouts = {path.name: _expected(path)["layout"] for path in CORPUS_FILES}
    assert sum(layout == "party" for layout in layouts.values()) >= 8
    # State documents: the Quốc hiệu in the text, and the reader says so.
    with_quoc_hieu = {
        path.name for path in CORPUS_FILES if QUOC_HIEU.search(path.read_text(encoding="utf-8"))
    }
    state = {name for name, layout in layouts.items() if layout == "state"}
    assert len(state) >= 8
    assert state == with_quoc_hieu
    state_kinds = {_expected(CORPUS / name)["kind"] for name in state}
    assert {"KH", "CV", "TB", "BC"} <= state_kinds


def test_every_corpus_document_has_its_source_in_sources_md():
    sources = SOURCES.read_text(encoding="utf-8")
    missing = [path.name for path in CORPUS_FILES if f"`{path.name}`" not in sources]
    assert missing == []


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[path.name for path in CORPUS_FILES])
def test_corpus_directive_field_by_field(path):
    _, wrong = _compare(path)
    assert wrong == {}, "\n".join(
        f"{key}:\n  got      {got!r}\n  expected {want!r}" for key, (got, want) in wrong.items()
    )


def test_corpus_share_of_fields_right_is_100_percent(capsys):
    total = right = 0
    wrong_by_file = {}
    for path in CORPUS_FILES:
        fields, wrong = _compare(path)
        total += fields
        right += fields - len(wrong)
        if wrong:
            wrong_by_file[path.name] = sorted(wrong)
    with capsys.disabled():
        print(
            f"\nextract_directive corpus: {right}/{total} fields right "
            f"({100 * right / total:.1f} %) in {len(CORPUS_FILES)} directives"
        )
    assert wrong_by_file == {}
    assert right == total


# --- normalisation and details ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (unicodedata.normalize("NFD", "Thực hiện Hướng dẫn"), "Thực hiện Hướng dẫn"),
        ("\ufeffBan Tuyên\u200b giáo\u00a0Thành ủy", "Ban Tuyên giáo Thành ủy"),
        ("tư  tưởng\t\tsâu   rộng", "tư tưởng sâu rộng"),
        ("**KẾ HOẠCH** và *nghiêng* và __đậm__", "KẾ HOẠCH và nghiêng và đậm"),
        ("## II. NỘI DUNG", "II. NỘI DUNG"),
        ("\\- Lưu VP\\.", "- Lưu VP."),
        ("1\\. Tổ chức \\*học tập\\*", "1. Tổ chức *học tập*"),
        ("* Đảng viên", "- Đảng viên"),
        ("[Sách điện tử](https://stbook.vn/a)", "Sách điện tử (https://stbook.vn/a)"),
        ("<https://stbook.vn/a>", "https://stbook.vn/a"),
        ("\u00d0ảng ủy", "Đảng ủy"),  # an Icelandic eth for Đ, from old encodings
        ("Thự c hiện, N ơi nhận", "Thực hiện, Nơi nhận"),
        ("cán bộ , đảng viên ; Nhân dân", "cán bộ, đảng viên; Nhân dân"),
        ('“Cây tre Việt Nam” và "Cây tre"', '“Cây tre Việt Nam” và "Cây tre"'),
        ("ngày 10 tháng 4 năm nay, một năm", "ngày 10 tháng 4 năm nay, một năm"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def _directive(body: str, *, date_line: str = "Cần Thơ, ngày 29 tháng 3 năm 2024") -> str:
    return (
        "ĐẢNG ỦY KHỐI CƠ QUAN DÂN CHÍNH ĐẢNG TP CẦN THƠ\nBAN TUYÊN GIÁO\n*\nSố 33-HD/BTGĐUK\n"
        f"\tĐẢNG CỘNG SẢN VIỆT NAM\n\t{date_line}\n\nHƯỚNG DẪN\nSinh hoạt chuyên đề\n-----\n"
        f"{body}\n\nNơi nhận:\n- Lưu VP.\n\tTRƯỞNG BAN\n\n\tNguyễn Văn Sẵn\n"
    )


@pytest.mark.parametrize(
    "date_line",
    [
        "Cần Thơ, ngày 29 tháng 3 năm 2024",
        "Cần Thơ, ngày 29 tháng 03 năm 2024",
        "Cần Thơ, 29/3/2024",
        "Cần Thơ, ngày 29/03/2024",
    ],
)
def test_header_date_in_both_forms(date_line):
    result = extract_directive_text(_directive("Nội dung.", date_line=date_line))
    assert (result["place"], result["date"]) == ("Cần Thơ", "2024-03-29")


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Báo cáo kết quả trước ngày 10/10/2024.", [("date", "2024-10-10")]),
        ("Thời gian: Tháng 4/2024", [("month", "2024-04")]),
        ("Các chi bộ hoàn thành trong tháng 4/2024.", [("month", "2024-04")]),
        ("Nộp bài thu hoạch chậm nhất ngày 30 tháng 6 năm 2024.", [("date", "2024-06-30")]),
        ("Hoàn thành trong tháng 5 năm 2024.", [("month", "2024-05")]),
        (
            "Học tập từ ngày 01/6 đến ngày 30/6/2024.",
            [("date", "2024-06-01"), ("date", "2024-06-30")],
        ),
        (
            "Sinh hoạt trong tháng 4 và tháng 5/2024.",
            [("month", "2024-04"), ("month", "2024-05")],
        ),
        # The date of a document named in the text, and a past date, are not deadlines.
        ("Theo Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024 của Ban Tuyên giáo Thành ủy.", []),
        ("Kỷ niệm Ngày thành lập Đảng (03/02/1930).", []),
        # A lunar date is not a deadline; the day that opens a range takes its month.
        ("Treo cờ ngày Giỗ Tổ (10 tháng 3 âm lịch, tức ngày 18/4/2024).", [("date", "2024-04-18")]),
        (
            "Lễ hội diễn ra từ ngày 23 đến ngày 26 tháng 4 năm 2024.",
            [("date", "2024-04-23"), ("date", "2024-04-26")],
        ),
        ("Có 42/42 tổ chức cơ sở đảng, 3.512/3.690 đảng viên tham gia.", []),
    ],
)
def test_deadlines_in_the_body(sentence, found):
    result = extract_directive_text(_directive(f"1. Nội dung.\n- {sentence}"))
    assert [
        ("date", d["date"]) if d["date"] else ("month", d["month"]) for d in result["deadlines"]
    ] == found
    assert all(d["text"] == sentence for d in result["deadlines"])


def test_hard_line_breaks_inside_a_sentence_are_joined():
    body = (
        "I- MỤC ĐÍCH, YÊU CẦU\n"
        "1. Giúp cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm; nâng cao\n"
        "nhận thức về đường lối đối ngoại của Đảng.\n"
        "2. Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối trước ngày\n"
        "10/10/2024.\n"
        "- Sách điện tử:\n"
        "https://stbook.vn/cay-tre"
    )
    result = extract_directive_text(_directive(body))
    assert result["body"].split("\n") == [
        "I- MỤC ĐÍCH, YÊU CẦU",
        "1. Giúp cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm; nâng cao nhận thức "
        "về đường lối đối ngoại của Đảng.",
        "2. Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối trước ngày 10/10/2024.",
        "- Sách điện tử: https://stbook.vn/cay-tre",
    ]
    assert result["deadlines"][0]["date"] == "2024-10-10"
    assert result["materials"] == [{"title": "Sách điện tử", "url": "https://stbook.vn/cay-tre"}]


def test_an_implemented_document_named_inside_anothers_subject_is_not_a_basis():
    body = (
        "Thực hiện Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện "
        "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị; Hướng dẫn số 52-HD/BTGTU ngày "
        "14 tháng 3 năm 2024 của Ban Tuyên giáo và Dân vận Thành ủy, Ban Tuyên giáo hướng dẫn "
        "như sau:\n1. Nội dung."
    )
    assert extract_directive_text(_directive(body))["basis"] == [
        {"kind": "KL", "symbol": "01-KL/TW", "date": "2021-05-18", "issuer": "Bộ Chính trị"},
        {
            "kind": "HD",
            "symbol": "52-HD/BTGTU",
            "date": "2024-03-14",
            "issuer": "Ban Tuyên giáo và Dân vận Thành ủy",
        },
    ]


# --- documents of state bodies and the Front (Nghị định 30/2020/NĐ-CP) -------------------------

STATE_CLOSING = (
    "Nơi nhận:\tKT. CHỦ TỊCH\n- Như trên;\tPHÓ CHỦ TỊCH\n- Sở Văn hóa, Thể thao và Du lịch;\n"
    "- Lưu: VT, VX.\n\n\tNguyễn Thực Hiện\n"
)


def _state(
    *,
    number: str = "Số: 123/UBND-VX",
    date_line: str = "Cần Thơ, ngày 05 tháng 3 năm 2024",
    title: str = "",
    subject: str = "V/v tuyên truyền kỷ niệm 94 năm\nNgày thành lập Đảng",
    addressees: str = "Kính gửi: Các sở, ban, ngành thành phố.",
    closing: str = STATE_CLOSING,
) -> str:
    """A state body's document as Word saves it as text: the two header columns tab-separated."""
    heading = f"{title}\n{subject}\n\n" if title else ""
    left_subject = "" if title else f"{subject}\n"
    return (
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "THÀNH PHỐ CẦN THƠ\tĐộc lập - Tự do - Hạnh phúc\n"
        f"{number}\t{date_line}\n{left_subject}\n{heading}{addressees}\n\n"
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/02/2024 của Ủy ban nhân dân thành phố, Ủy "
        "ban nhân dân thành phố đề nghị:\n"
        "1. Tổ chức tuyên truyền trên các phương tiện thông tin đại chúng.\n"
        "2. Báo cáo kết quả trước ngày 30/3/2024.\n\n" + closing
    )


def test_state_document_reads_the_quoc_hieu_number_subject_and_signature():
    result = extract_directive_text(_state())
    assert result["layout"] == "state"
    assert (result["superior_body"], result["issuing_body"]) == (
        None,
        "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",
    )
    assert (result["kind"], result["number"], result["symbol"]) == ("CV", 123, "123/UBND-VX")
    assert (result["place"], result["date"]) == ("Cần Thơ", "2024-03-05")
    assert result["subject"] == "V/v tuyên truyền kỷ niệm 94 năm Ngày thành lập Đảng"
    assert result["addressees"] == ["Các sở, ban, ngành thành phố."]
    assert result["basis"] == [
        {
            "kind": "KH",
            "symbol": "45/KH-UBND",
            "date": "2024-02-12",
            "issuer": "Ủy ban nhân dân thành phố",
        }
    ]
    assert result["body"].split("\n")[-1] == "2. Báo cáo kết quả trước ngày 30/3/2024."
    assert result["recipients"] == ["Như trên;", "Sở Văn hóa, Thể thao và Du lịch;", "Lưu: VT, VX."]
    assert (result["signing_authority"], result["signer_position"], result["signer_name"]) == (
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Thực Hiện",
    )


@pytest.mark.parametrize(
    ("number", "title", "expected"),
    [
        ("Số: 123/UBND-VX", "", ("CV", 123, "123/UBND-VX")),  # body-department: a công văn
        ("Số: 45/KH-UBND", "KẾ HOẠCH", ("KH", 45, "45/KH-UBND")),
        ("Số: 07/TB-UBND", "THÔNG BÁO", ("TB", 7, "07/TB-UBND")),
        ("Số: 12/HD-SVHTTDL", "HƯỚNG DẪN", ("HD", 12, "12/HD-SVHTTDL")),
        ("Số: 59/BC-LĐTBXH", "BÁO CÁO", ("BC", 59, "59/BC-LĐTBXH")),
        ("Số:    111   /CV - UBND", "", ("CV", 111, "111/CV-UBND")),
        ("Số: 278/PGD&ĐT-THCS", "", ("CV", 278, "278/PGD&ĐT-THCS")),
        ("Số: 1788/SGDĐT-CTTT-HSSV", "", ("CV", 1788, "1788/SGDĐT-CTTT-HSSV")),
        ("Số: 14/2024/QĐ-UBND", "QUYẾT ĐỊNH", ("QĐ", 14, "14/2024/QĐ-UBND")),
        ("Số 32-HD/BTGĐUK", "HƯỚNG DẪN", ("HD", 32, "32-HD/BTGĐUK")),  # party style still
    ],
)
def test_state_number_styles_give_the_kind_number_and_symbol_as_written(number, title, expected):
    result = extract_directive_text(
        _state(number=number, title=title, subject="Tuyên truyền kỷ niệm" if title else "V/v a")
    )
    assert (result["kind"], result["number"], result["symbol"]) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Kính gửi: Ủy ban nhân dân các quận, huyện.", ["Ủy ban nhân dân các quận, huyện."]),
        (
            "Kính gửi:\n- Sở Văn hóa, Thể thao và Du lịch;\n\n- Sở Thông tin và Truyền thông;\n"
            "- Ủy ban nhân dân các quận, huyện.",
            [
                "Sở Văn hóa, Thể thao và Du lịch;",
                "Sở Thông tin và Truyền thông;",
                "Ủy ban nhân dân các quận, huyện.",
            ],
        ),
        (
            "Kính gửi:  -  Các đồng chí Bí thư chi bộ;\n - Hiệu trưởng các trường học.",
            ["Các đồng chí Bí thư chi bộ;", "Hiệu trưởng các trường học."],
        ),
        (
            "Kính gửi:  Hiệu trưởng các trường Mầm non, Tiểu học,\n      THCS trên địa bàn thị xã.",
            ["Hiệu trưởng các trường Mầm non, Tiểu học, THCS trên địa bàn thị xã."],
        ),
    ],
)
def test_kinh_gui_blocks_of_one_or_several_lines(block, expected):
    result = extract_directive_text(_state(addressees=block))
    assert result["addressees"] == expected
    assert result["basis_text"].startswith("Thực hiện Kế hoạch số 45/KH-UBND")


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        (
            "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nTrịnh Thị Thủy",
            ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Trịnh Thị Thủy"),
        ),
        (
            "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nTrần Văn Lâm",
            ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Lâm"),
        ),
        (
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nĐã ký\n\nThào Mí Sính",
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Thào Mí Sính"),
        ),
        (
            "TL. CHỦ TỊCH ỦY\nBAN NHÂN DÂN TỈNH\nCHÁNH VĂN PHÒNGThái Hữu Phép",
            ("TL. CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "CHÁNH VĂN PHÒNG", "Thái Hữu Phép"),
        ),
        ("Q. GIÁM ĐỐC\n\nLê Minh Tâm", (None, "Q. GIÁM ĐỐC", "Lê Minh Tâm")),
        ("CHỦ TỊCH\n\nLữ Văn Hùng", (None, "CHỦ TỊCH", "Lữ Văn Hùng")),
    ],
)
def test_state_signatures_kt_tm_tl_and_acting(signature, expected):
    closing = f"Nơi nhận:\n- Như trên;\n- Lưu: VT.\n{signature}\n"
    result = extract_directive_text(_state(closing=closing))
    assert result["recipients"] == ["Như trên;", "Lưu: VT."]
    got = (result["signing_authority"], result["signer_position"], result["signer_name"])
    assert got == expected


def test_recipients_end_in_semicolons_and_footer_noise_is_not_a_recipient():
    closing = (
        "Nơi nhận:\n\n- Như trên;\n\n- TT. HĐND, UBND tỉnh;\n\n- Lưu: VT, NCTH.HH\n\n"
        "d:\\2011\\CV\\SVH\\T4\\Bau cho Vinh Ha Long\n\nKT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n\n \n\n"
        "Trần Thành Lập\n\n;\n"
    )
    result = extract_directive_text(_state(closing=closing))
    assert result["recipients"] == ["Như trên;", "TT. HĐND, UBND tỉnh;", "Lưu: VT, NCTH.HH"]
    assert result["signer_name"] == "Trần Thành Lập"


def test_blank_number_and_blank_day_are_left_empty_and_the_copy_is_still_read():
    result = extract_directive_text(
        _state(number="Số:      /UBND-VX", date_line="Cần Thơ, ngày    tháng 3 năm 2024")
    )
    assert (result["number"], result["symbol"], result["kind"]) == (None, "/UBND-VX", "CV")
    assert (result["place"], result["date"]) == ("Cần Thơ", None)
    assert result["subject"] == "V/v tuyên truyền kỷ niệm 94 năm Ngày thành lập Đảng"
    assert result["addressees"] == ["Các sở, ban, ngành thành phố."]
    assert result["signer_name"] == "Nguyễn Thực Hiện"


def test_party_number_left_blank_keeps_its_kind_and_symbol_without_number():
    result = extract_directive_text(_directive("Nội dung.").replace("Số 33-HD", "Số    -HD"))
    assert (result["number"], result["symbol"], result["kind"]) == (None, "-HD/BTGĐUK", "HD")


def test_front_document_without_any_number_is_read_not_refused():
    text = (
        "ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ CẦN THƠ\nBAN TUYÊN GIÁO\n"
        "Về việc đón đọc chuyên trang “Đại đoàn kết”\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n"
        "Cần Thơ, ngày 21 tháng 02 năm 2020\n\n"
        "Kính gửi: Ban Thường trực UBMTTQVN các quận, huyện\n\n"
        "Đề nghị các quận, huyện thông báo đến khu dân cư đón đọc.\n\n"
        "Nơi nhận:\n– Các quận, huyện;\n– Lưu VP.\nTM. BAN TUYÊN GIÁO\nTRƯỞNG BAN\n\nĐinh Trung Trực\n"
    )
    result = extract_directive_text(text)
    assert (result["layout"], result["kind"], result["number"], result["symbol"]) == (
        "state",
        "CV",
        None,
        None,
    )
    assert (result["superior_body"], result["issuing_body"]) == (
        "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ CẦN THƠ",
        "BAN TUYÊN GIÁO",
    )
    assert result["subject"] == "Về việc đón đọc chuyên trang “Đại đoàn kết”"
    assert result["body"] == "Đề nghị các quận, huyện thông báo đến khu dân cư đón đọc."


def _state_fields(result: dict) -> tuple:
    return tuple(
        result[key]
        for key in (
            "layout", "issuing_body", "kind", "number", "symbol", "place", "date", "subject",
            "addressees", "recipients", "signing_authority", "signer_position", "signer_name",
        )
    )  # fmt: skip


STATE_FIELDS = (
    "state",
    "ỦY BAN NHÂN DÂN TỈNH AN GIANG",
    "CV",
    123,
    "123/UBND-VX",
    "An Giang",
    "2024-03-05",
    "V/v tuyên truyền kỷ niệm 94 năm Ngày thành lập Đảng",
    ["Các sở, ban, ngành tỉnh;", "Ủy ban nhân dân các huyện, thị xã, thành phố."],
    ["Như trên;", "Lưu: VT, VX."],
    "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Lê Văn Phước",
)
STATE_BODY = (
    "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/02/2024 của Ủy ban nhân dân tỉnh, Ủy ban nhân dân "
    "tỉnh đề nghị các sở, ban, ngành tổ chức tuyên truyền.\n\n"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "word.txt",  # Word's "Save as plain text": each cell's lines, one cell after the other
            "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\n-------\nSố: 123/UBND-VX\nV/v tuyên truyền kỷ niệm "
            "94 năm\nNgày thành lập Đảng\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - "
            "Hạnh phúc\n---------------\nAn Giang, ngày 05 tháng 3 năm 2024\n\nKính gửi:\n- Các "
            "sở, ban, ngành tỉnh;\n- Ủy ban nhân dân các huyện, thị xã, thành phố.\n\n"
            f"{STATE_BODY}Nơi nhận:\n- Như trên;\n- Lưu: VT, VX.\nTM. ỦY BAN NHÂN DÂN\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn Phước\n",
        ),
        (
            "pandoc.md",  # Markdown: the header table's cells separated by "|"
            "| ỦY BAN NHÂN DÂN<br>**TỈNH AN GIANG**<br>------- | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
            "NAM**<br>**Độc lập - Tự do - Hạnh phúc**<br>--------------- |\n|---|---|\n"
            "| Số: 123/UBND-VX<br>V/v tuyên truyền kỷ niệm 94 năm<br>Ngày thành lập Đảng | *An "
            "Giang, ngày 05 tháng 3 năm 2024* |\n\nKính gửi:\n\n-   Các sở, ban, ngành tỉnh;\n-   Ủy "
            "ban nhân dân các huyện, thị xã, thành phố.\n\n"
            f"{STATE_BODY}| Nơi nhận:<br>\\- Như trên;<br>\\- Lưu: VT, VX. | **TM. ỦY BAN NHÂN "
            "DÂN**<br>**KT. CHỦ TỊCH**<br>**PHÓ CHỦ TỊCH**<br><br>**Lê Văn Phước** |\n|---|---|\n",
        ),
        (
            "layout.pdftotext.txt",  # two columns side by side, separated by runs of spaces
            "      ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "       TỈNH AN GIANG                    Độc lập - Tự do - Hạnh phúc\n"
            "   Số: 123/UBND-VX                   An Giang, ngày 05 tháng 3 năm 2024\n"
            "V/v tuyên truyền kỷ niệm 94 năm\n  Ngày thành lập Đảng\n\n"
            "                 Kính gửi:\n      - Các sở, ban, ngành tỉnh;\n"
            "      - Ủy ban nhân dân các huyện, thị xã, thành phố.\n\n"
            f"     {STATE_BODY}Nơi nhận:                                  TM. ỦY BAN NHÂN DÂN\n"
            "- Như trên;                                    KT. CHỦ TỊCH\n"
            "- Lưu: VT, VX.                                PHÓ CHỦ TỊCH\n\n"
            "                                              Lê Văn Phước\n",
        ),
        (
            "web-page.txt",  # a web page's table: "|" between cells, wrapped cell lines
            "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\n-------\n|\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n---------------\n|\nSố:\n123/UBND-VX\nV/v tuyên truyền "
            "kỷ niệm 94 năm\nNgày thành lập Đảng\n|\nAn\nGiang, ngày 05 tháng 3 năm 2024\n|\n"
            "Kính gửi:\n- Các sở, ban, ngành tỉnh;\n- Ủy ban nhân dân các huyện, thị xã, thành "
            f"phố.\n{STATE_BODY}Nơi nhận:\n- Như trên;\n- Lưu: VT, VX.\n|\nTM. ỦY BAN NHÂN DÂN\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn Phước\n",
        ),
        (
            "web-rows.txt",  # rows copied from a web page: "cell | cell |"
            "ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
            "Số: 123/UBND-VX | An Giang, ngày 05 tháng 3 năm 2024 |\n"
            "V/v tuyên truyền kỷ niệm 94 năm Ngày thành lập Đảng |\nKính gửi:\n- Các sở, ban, "
            f"ngành tỉnh;\n- Ủy ban nhân dân các huyện, thị xã, thành phố.\n{STATE_BODY}"
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, VX. | TM. ỦY BAN NHÂN DÂN |\n| KT. CHỦ TỊCH |\n"
            "| PHÓ CHỦ TỊCH |\n\nLê Văn Phước\n",
        ),
    ],
)
def test_state_header_tables_read_the_same_as_text_pipes_and_spaced_columns(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = extract_directive_text(read_directive_file(path))
    assert _state_fields(result) == STATE_FIELDS
    assert result["basis"][0]["symbol"] == "45/KH-UBND"


def test_state_header_whose_column_gap_was_lost_on_a_web_page():
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH HẬU GIANG Độc Lập - Tự Do - Hạnh Phúc\n\n"
        "Số: 454/UBND-NCTH Vị Thanh, ngày 6 tháng 4 năm 2011\n\n"
        "V/v tiếp tục phối hợp tuyên truyền\n\nKính gửi: Sở Văn hóa, Thể thao và Du lịch.\n\n"
        "Giao Sở Văn hóa, Thể thao và Du lịch tiếp tục tuyên truyền./.\n\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Thành Lập\n"
    )
    result = extract_directive_text(text)
    assert (result["layout"], result["issuing_body"], result["symbol"]) == (
        "state",
        "ỦY BAN NHÂN DÂN TỈNH HẬU GIANG",
        "454/UBND-NCTH",
    )
    assert (result["place"], result["date"]) == ("Vị Thanh", "2011-04-06")
    assert result["subject"] == "V/v tiếp tục phối hợp tuyên truyền"


def test_documents_listed_together_share_the_issuer_written_after_the_last():
    body = (
        "Thực hiện Kế hoạch số 95/KH-UBND ngày 03/5/2017 và Công văn số 5027/UBND-VH ngày "
        "15/7/2017 của Uỷ ban nhân dân tỉnh; Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 "
        "của Chính phủ về một cửa, Sở hướng dẫn như sau:\n1. Nội dung."
    )
    assert extract_directive_text(_directive(body))["basis"] == [
        {
            "kind": "KH",
            "symbol": "95/KH-UBND",
            "date": "2017-05-03",
            "issuer": "Uỷ ban nhân dân tỉnh",
        },
        {
            "kind": "CV",
            "symbol": "5027/UBND-VH",
            "date": "2017-07-15",
            "issuer": "Uỷ ban nhân dân tỉnh",
        },
        {"kind": "NĐ", "symbol": "61/2018/NĐ-CP", "date": "2018-04-23", "issuer": "Chính phủ"},
    ]


def test_layout_is_party_state_or_unknown():
    assert extract_directive_text(_directive("Nội dung."))["layout"] == "party"
    assert extract_directive_text(_state())["layout"] == "state"
    text = (
        "ĐỘI TNTP HỒ CHÍ MINH\nLIÊN ĐỘI TÔ VĨNH DIỆN\n***\nSố: / KH-LĐ\n"
        "Nại Hiên Đông, ngày 01 tháng 12 năm 2016\n"
        "KẾ HOẠCH Phát động phong trào xây dựng Công trình măng non\n- Nhằm thực hiện tốt.\n"
    )
    result = extract_directive_text(text)
    assert (result["layout"], result["kind"], result["symbol"], result["subject"]) == (
        None,
        "KH",
        "/KH-LĐ",
        "Phát động phong trào xây dựng Công trình măng non",
    )


# --- files that are not directives -----------------------------------------------------------


def _error(source, filename=None) -> DirectiveImportError:
    with pytest.raises(DirectiveImportError) as caught:
        extract_directive_text(read_directive_file(source, filename))
    return caught.value


def test_empty_file_gets_a_clear_message(tmp_path):
    for content in (b"", b"  \n\t\n"):
        path = tmp_path / "trong.txt"
        path.write_bytes(content)
        error = _error(path)
        assert error.code == "empty"
        assert str(error) == "Tệp rỗng: không có nội dung nào để đọc."


def test_text_that_is_not_a_directive_gets_a_clear_message(tmp_path):
    path = tmp_path / "canh-chua.txt"
    path.write_text(
        "CANH CHUA CÁ LÓC\n\nNguyên liệu:\n- 1 con cá lóc (khoảng 800 g),\n- 200 g dứa, 2 quả "
        "cà chua, giá, bạc hà.\n\nCách làm: đun sôi nước me, cho cá vào, nêm nếm vừa ăn.\n",
        encoding="utf-8",
    )
    error = _error(path)
    assert error.code == "not_a_directive"
    assert "Không nhận ra văn bản chỉ đạo" in str(error)


def test_binary_file_renamed_docx_gets_a_clear_message(tmp_path):
    path = tmp_path / "huong-dan.docx"
    path.write_bytes(bytes(range(256)) * 64)
    error = _error(path)
    assert error.code == "bad_docx"
    assert "không phải tệp Word hợp lệ" in str(error)


def test_zip_that_is_not_word_and_old_doc_get_clear_messages(tmp_path):
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "xin chào")
    assert _error(archive.getvalue(), "huong-dan.docx").code == "bad_docx"
    assert _error(b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "huong-dan.docx").code == "old_doc"
    assert _error(b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "huong-dan.doc").code == "old_doc"


def test_binary_file_renamed_txt_gets_a_clear_message():
    assert _error(bytes(range(256)) * 64, "huong-dan.txt").code == "binary"


def test_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "lon.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk

    def not_read(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", not_read)
    error = _error(path)
    assert error.code == "too_big"
    assert str(error) == "Tệp quá lớn (50,0 MB): chỉ nhận tệp đến 20 MB."


def test_large_upload_is_refused_from_its_size_and_by_reading_no_more_than_the_limit():
    class Upload(io.BytesIO):
        size = 50 * 1024 * 1024

    assert _error(Upload(b"x"), "huong-dan.pdf").code == "too_big"
    stream = io.BytesIO(b"a" * (MAX_BYTES + 10))
    assert _error(stream, "huong-dan.txt").code == "too_big"
    assert stream.tell() == MAX_BYTES + 1


def test_pdf_without_text_layer_says_scans_are_not_supported():
    scan = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    error = _error(scan, "ban-scan.pdf")
    assert error.code == "pdf_no_text"
    assert "không có lớp chữ" in str(error)
    assert "scan" in str(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"not a pdf at all", "huong-dan.pdf", "bad_pdf"),
        (b"{\\rtf1 Hello}", "huong-dan.rtf", "bad_type"),
    ],
)
def test_other_bad_files_get_clear_messages(data, filename, code):
    assert _error(data, filename).code == code


def test_missing_file_gets_a_clear_message(tmp_path):
    assert _error(tmp_path / "khong-co.docx").code == "not_found"


# --- the command -----------------------------------------------------------------------------


def test_command_prints_the_fields_as_json(capsys):
    call_command("extract_directive", str(REFERENCE))
    printed = capsys.readouterr().out
    assert "“Cây tre Việt Nam”" in printed  # not escaped: ensure_ascii=False
    assert json.loads(printed) == extract_directive_text(read_directive_file(REFERENCE))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng"),
        ("CANH CHUA CÁ LÓC\nNấu nước sôi.".encode(), "Không nhận ra văn bản chỉ đạo"),
        (bytes(range(256)) * 8, "không phải tệp Word hợp lệ"),
    ],
)
def test_command_refuses_a_bad_file_with_a_vietnamese_message(tmp_path, content, message):
    path = tmp_path / "van-ban.docx" if content.startswith(b"\x00") else tmp_path / "van-ban.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("extract_directive", str(path))


def test_command_exits_with_code_1_on_a_file_that_is_not_a_directive(tmp_path):
    path = tmp_path / "canh-chua.txt"
    path.write_text("CANH CHUA CÁ LÓC\nNấu nước sôi, cho cá vào.\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "manage.py", "extract_directive", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "Không nhận ra văn bản chỉ đạo" in completed.stderr
    assert completed.stdout == ""


def test_module_keeps_its_size_limit_at_twenty_megabytes():
    assert extract.MAX_BYTES == 20 * 1024 * 1024
