"""Printable A4 sheets of asset QR labels (PNG, PDF or SVG), with the tag under each code."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants
import qrcode.image.svg
from PIL import Image, ImageDraw, ImageFont

DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
MM = DPI / 25.4
MARGIN = round(10 * MM)  # office printers cannot print the outer ~5 mm of a sheet
SYMBOL_PX = round(27 * MM)  # 25-30 mm codes scan reliably from a phone at arm's length
MIN_MODULE_PX = 3  # 0.25 mm: below this, print dot gain makes codes unreliable
QUIET = 4  # modules of white border: the quiet zone ISO/IEC 18004 requires
TEXT_PX = 56  # ~4.7 mm em: the tag must be readable when the scanner fails
MIN_TEXT_PX = 20
TEXT_BAND = 2 * TEXT_PX
TEXT_PAD = round(2 * MM)  # keeps the tag clear of a slightly crooked cut
CUT_GREY = 200  # visible enough to cut along, faint enough not to distract
FORMATS = ("png", "pdf", "svg")
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",  # Debian/Ubuntu fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",  # Fedora
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",  # Arch
    "DejaVuSans-Bold.ttf",  # Pillow also searches the platform font directories
)
SVG_FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Layout:
    columns: int
    rows: int
    cell_w: int
    cell_h: int
    version: int  # one QR version for the whole sheet, so every code has the same module size
    box: int  # pixels per module
    qr_px: int  # code size including the quiet zone
    left: int
    top: int

    def origin(self, slot: int) -> tuple[int, int]:
        row, col = divmod(slot, self.columns)
        return self.left + col * self.cell_w, self.top + row * self.cell_h


def _qr(payload: str, version: int | None = None, box: int = 10) -> qrcode.QRCode:
    qr = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M,
                       box_size=box, border=QUIET)
    qr.add_data(payload)
    qr.make(fit=version is None)
    return qr


def _layout(labels: list[tuple[str, str]], columns: int) -> _Layout:
    version = max(_qr(payload).version for _, payload in labels)
    symbol = 17 + 4 * version
    cell_w = (PAGE_W - 2 * MARGIN) // columns
    box = min(round(SYMBOL_PX / symbol), cell_w // (symbol + 2 * QUIET))
    if box < MIN_MODULE_PX:
        raise ValueError(f"{columns} columns do not fit on A4: the QR codes would be too small to scan")
    qr_px = (symbol + 2 * QUIET) * box
    cell_h = qr_px + TEXT_BAND
    rows = max(1, (PAGE_H - 2 * MARGIN) // cell_h)
    # Centre the full grid so the leftover paper is split evenly, which makes trimming easier.
    left = MARGIN + (PAGE_W - 2 * MARGIN - columns * cell_w) // 2
    top = MARGIN + (PAGE_H - 2 * MARGIN - rows * cell_h) // 2
    return _Layout(columns, rows, cell_w, cell_h, version, box, qr_px, left, top)


@lru_cache(maxsize=None)
def _font(size: int) -> Font:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _fit_font(tag: str, max_width: int) -> tuple[Font, int]:
    # Long tags shrink rather than spill into the neighbouring label.
    for size in range(TEXT_PX, MIN_TEXT_PX, -2):
        left, _, right, _ = _font(size).getbbox(tag)
        if right - left <= max_width:
            return _font(size), size
    return _font(MIN_TEXT_PX), MIN_TEXT_PX


def _raster_page(chunk: list[tuple[str, str]], lay: _Layout) -> Image.Image:
    page = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(page)
    for slot, (tag, payload) in enumerate(chunk):
        x, y = lay.origin(slot)
        code = _qr(payload, lay.version, lay.box).make_image().get_image().convert("L")
        page.paste(code, (x + (lay.cell_w - lay.qr_px) // 2, y))
        font, _ = _fit_font(tag, lay.cell_w - 2 * TEXT_PAD)
        left, top, right, bottom = draw.textbbox((0, 0), tag, font=font)
        text_x = x + (lay.cell_w - (right - left)) // 2 - left
        text_y = y + lay.qr_px + (TEXT_BAND - (bottom - top)) // 2 - top
        draw.text((text_x, text_y), tag, font=font, fill=0)
        # 3 px centred on the cell edge, so neighbouring cells share one line of equal weight.
        draw.rectangle((x - 1, y - 1, x + lay.cell_w + 1, y + lay.cell_h + 1), outline=CUT_GREY, width=3)
    return page


def _svg_page(chunk: list[tuple[str, str]], lay: _Layout) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="210mm" height="297mm" '
             f'viewBox="0 0 {PAGE_W} {PAGE_H}">',
             '<rect width="100%" height="100%" fill="#ffffff"/>']
    for slot, (tag, payload) in enumerate(chunk):
        x, y = lay.origin(slot)
        # box_size 10 makes qrcode's viewBox one unit per module; the nested <svg> scales it.
        code = _qr(payload, lay.version).make_image(image_factory=qrcode.image.svg.SvgPathImage)
        code.path.set("id", f"qr-{slot + 1}")  # qrcode names every path "qr-path"; ids must be unique
        svg = code.get_image()
        for name, value in (("x", x + (lay.cell_w - lay.qr_px) // 2), ("y", y),
                            ("width", lay.qr_px), ("height", lay.qr_px)):
            svg.set(name, str(value))
        parts.append(code.to_string(encoding="unicode"))
        _, size = _fit_font(tag, lay.cell_w - 2 * TEXT_PAD)
        # Tags are capitals and digits only, so centring the cap height (~0.73 em) centres the text.
        baseline = y + lay.qr_px + TEXT_BAND / 2 + 0.365 * size
        parts.append(f'<text x="{x + lay.cell_w / 2:g}" y="{baseline:.1f}" text-anchor="middle" '
                     f'font-family="{SVG_FONT}" font-weight="bold" font-size="{size}">{escape(tag)}</text>')
        parts.append(f'<rect x="{x}" y="{y}" width="{lay.cell_w}" height="{lay.cell_h}" fill="none" '
                     f'stroke="rgb({CUT_GREY},{CUT_GREY},{CUT_GREY})" stroke-width="3"/>')
    parts.append("</svg>\n")
    return "\n".join(parts)


def _numbered(out: Path, pages: int) -> list[Path]:
    if pages == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(1, pages + 1)]


def render_sheet(labels: list[tuple[str, str]], out_path: str | Path, fmt: str | None = None,
                 columns: int = 4) -> list[Path]:
    """Write (tag, payload) labels as A4 QR sheets in png, pdf or svg and return the files written."""
    out = Path(out_path)
    if not labels:
        raise ValueError("no labels to print: the list of (tag, payload) pairs is empty")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, got {columns}")
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown label sheet format {fmt!r} for {out}: use png, pdf or svg")
    lay = _layout(labels, columns)
    per_page = lay.rows * lay.columns
    chunks = [labels[i:i + per_page] for i in range(0, len(labels), per_page)]
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        pages = [_raster_page(chunk, lay) for chunk in chunks]
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI)
        return [out]
    paths = _numbered(out, len(chunks))
    for chunk, path in zip(chunks, paths):
        if fmt == "png":
            _raster_page(chunk, lay).save(path, "PNG", dpi=(DPI, DPI))
        else:
            path.write_text(_svg_page(chunk, lay), encoding="utf-8")
    return paths
