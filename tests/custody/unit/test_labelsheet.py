"""Label sheets must scan back to the exact signed payloads, in every output format."""
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from contracts.labels import LabelError, make_payload, verify_payload
from custody.labelsheet import render_sheet

SECRET = b"test-label-secret-0123456789"
SVG = "{http://www.w3.org/2000/svg}"


def _labels(count: int) -> list[tuple[str, str]]:
    tags = [f"LT-{n:04d}" for n in range(1, count + 1)]
    return [(tag, make_payload(tag, SECRET)) for tag in tags]


def _decode(path) -> list[str]:
    with Image.open(path) as image:
        return [result.text for result in zxingcpp.read_barcodes(image)]


def test_sheet_png_decodes_back_to_every_payload(tmp_path):
    labels = _labels(10)
    paths = render_sheet(labels, tmp_path / "sheet.png")
    assert paths == [tmp_path / "sheet.png"]
    decoded = _decode(paths[0])
    assert sorted(decoded) == sorted(payload for _, payload in labels)
    assert {verify_payload(text, SECRET) for text in decoded} == {tag for tag, _ in labels}


def test_labels_beyond_one_page_go_to_numbered_png_pages(tmp_path):
    labels = _labels(30)
    paths = render_sheet(labels, tmp_path / "sheet.png")
    assert [p.name for p in paths] == ["sheet-1.png", "sheet-2.png"]
    decoded = [text for path in paths for text in _decode(path)]
    assert sorted(decoded) == sorted(payload for _, payload in labels)


def test_pdf_output_is_one_pdf_with_a_page_per_sheet(tmp_path):
    paths = render_sheet(_labels(30), tmp_path / "sheet.pdf")
    assert paths == [tmp_path / "sheet.pdf"]
    data = paths[0].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 2


def test_svg_output_has_a_code_and_a_text_for_every_tag(tmp_path):
    labels = _labels(10) + [("A&B<1>", make_payload("LT-9999", SECRET))]  # text must be escaped
    paths = render_sheet(labels, tmp_path / "sheet.svg")
    assert paths == [tmp_path / "sheet.svg"]
    root = ET.parse(paths[0]).getroot()
    assert [t.text for t in root.iter(f"{SVG}text")] == [tag for tag, _ in labels]
    assert len(list(root.iter(f"{SVG}path"))) == len(labels)


@pytest.mark.parametrize("labels, out, fmt, columns", [
    ([], "sheet.png", None, 4),
    (_labels(1), "sheet.gif", None, 4),
    (_labels(1), "sheet.png", "jpeg", 4),
    (_labels(1), "sheet.png", None, 0),
])
def test_bad_arguments_raise_value_error(tmp_path, labels, out, fmt, columns):
    with pytest.raises(ValueError):
        render_sheet(labels, tmp_path / out, fmt=fmt, columns=columns)


def test_tampered_or_swapped_payload_does_not_verify():
    payload = make_payload("LT-0001", SECRET)
    tampered = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    with pytest.raises(LabelError):
        verify_payload(tampered, SECRET)
    with pytest.raises(LabelError):
        verify_payload(payload.replace("LT-0001", "LT-0002"), SECRET)
    with pytest.raises(LabelError):
        verify_payload(payload, b"another-secret-0123456789")
