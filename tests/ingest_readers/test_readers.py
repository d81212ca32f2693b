"""File readers: format sniffing, encodings, CSV tolerance, spreadsheet cells, header search."""

import codecs
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from hrguard.ingest.readers import (
    CHUNK_SIZE,
    HeaderProblem,
    UnreadableFile,
    detect_encoding,
    find_header,
    iter_rows,
    sniff_format,
)

HERE = Path(__file__).parent
BILLS = HERE.parent / "fixtures" / "bills"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_sniff_format_magic_bytes_decide() -> None:
    assert sniff_format(b"PK\x03\x04\x14\x00") == "xlsx"
    assert sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "xls"
    assert sniff_format("交易时间,金额".encode()) == "text"
    assert sniff_format(b"") == "text"


def test_iter_rows_xlsx_renamed_csv_read_as_xlsx(tmp_path: Path) -> None:
    renamed = tmp_path / "wechat.csv"
    shutil.copyfile(BILLS / "wechat-records.xlsx", renamed)

    rows = dict(iter_rows(renamed))

    assert rows[18][:6] == ["交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)"]
    assert rows[19][5] == "28.16"


def test_detect_encoding_bom_utf8_gbk() -> None:
    assert detect_encoding(BILLS / "wechat-20200830-20200906-bom-crlf.csv") == "utf-8-sig"
    assert detect_encoding(BILLS / "wechat-records.csv") == "utf-8"
    assert detect_encoding(BILLS / "alipay-2023-format-gbk.csv") == "gb18030"


@pytest.mark.parametrize("boundary", [8192, CHUNK_SIZE])
def test_detect_encoding_char_split_at_block_edge_utf8(tmp_path: Path, boundary: int) -> None:
    # "中" is 3 bytes in UTF-8; place it on bytes boundary-1 .. boundary+1.
    line = b"a" * 63 + b"\n"
    filler = line * (boundary // len(line) - 1) + b"a" * 63
    assert len(filler) == boundary - 1
    path = write(tmp_path / "edge.csv", filler + "中,金额\n".encode())

    assert detect_encoding(path) == "utf-8"
    assert list(iter_rows(path))[-1] == (boundary // len(line), ["a" * 63 + "中", "金额"])


def test_iter_rows_gbk_and_utf8_same_rows(tmp_path: Path) -> None:
    text = '工号,姓名,金额\r\nE001,张三,"1,234.00"\r\n'
    gbk = write(tmp_path / "gbk.csv", text.encode("gbk"))
    utf8 = write(tmp_path / "utf8.csv", text.encode("utf-8"))

    expected = [(1, ["工号", "姓名", "金额"]), (2, ["E001", "张三", "1,234.00"])]
    assert list(iter_rows(gbk)) == expected
    assert list(iter_rows(utf8)) == expected


def test_iter_rows_bom_header_cleaned(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", codecs.BOM_UTF8 + "工号,姓名\nE001,张三\n".encode())

    assert list(iter_rows(path))[0] == (1, ["工号", "姓名"])


def test_iter_rows_tab_and_space_padding_stripped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pad.csv", '交易时间   ,订单号\n2023-02-12 21:32:14 ,"2023021\t"\t\n'.encode()
    )

    assert list(iter_rows(path))[1] == (2, ["2023-02-12 21:32:14", "2023021"])


def test_iter_rows_ascii_quotes_in_field_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "quotes.csv", '对方,商品\n打开拼多多，点击底部"多多视频",/\n'.encode())

    assert list(iter_rows(path))[1] == (2, ['打开拼多多,点击底部"多多视频"', "/"])


def test_iter_rows_multiline_field_keeps_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "multi.csv", '姓名,备注\n张三,"第一行\n第二行"\n\n李四,无\n'.encode())

    assert list(iter_rows(path)) == [
        (1, ["姓名", "备注"]),
        (2, ["张三", "第一行\n第二行"]),
        (5, ["李四", "无"]),
    ]


def test_iter_rows_empty_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.csv", b"")

    with pytest.raises(UnreadableFile) as caught:
        list(iter_rows(path, file_name="工资.csv"))

    assert caught.value.message == "文件「工资.csv」是空的。请重新导出后再导入。"


def test_detect_encoding_utf16_rejected_naming_file(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.csv", "工号,姓名\n".encode("utf-16"))

    with pytest.raises(UnreadableFile) as caught:
        detect_encoding(path)

    assert caught.value.code == "unreadable_file"
    assert caught.value.message.startswith("文件「u16.csv」不是 UTF-8 或 GBK 编码的文本")


def test_detect_encoding_binary_junk_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "junk.csv", bytes([0x81, 0x30, 0xFF, 0x80, 0xFE]) * 10)

    with pytest.raises(UnreadableFile) as caught:
        detect_encoding(path, file_name="账单.csv")

    assert caught.value.message == (
        "文件「账单.csv」既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。"
        "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 xlsx 后重新导入。"
    )


def test_iter_rows_broken_zip_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.xlsx", b"PK\x03\x04" + b"\x00" * 100)

    with pytest.raises(UnreadableFile) as caught:
        list(iter_rows(path))

    assert caught.value.message.startswith("文件「broken.xlsx」不是有效的 xlsx 文件")


def test_iter_rows_missing_sheet_lists_sheets() -> None:
    with pytest.raises(UnreadableFile) as caught:
        list(iter_rows(BILLS / "wechat-records.xlsx", sheet="账单"))

    assert caught.value.message == (
        "文件「wechat-records.xlsx」中没有名为「账单」的工作表。"
        "现有工作表：example-wechat-records、Sheet1。"
    )


def _xlsx_with_builtin_format(tmp_path: Path, values: list[float], format_id: int) -> Path:
    """Write an xlsx whose cells use a built-in number format, as CJK-locale Excel saves it.

    openpyxl can only write custom formats, so the custom id is renamed to the built-in
    id in styles.xml and the custom definition is removed.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["入职日期"])
    for value in values:
        sheet.append([value])
        sheet.cell(sheet.max_row, 1).number_format = 'yyyy"年"m"月"d"日"'
    source = tmp_path / "custom.xlsx"
    workbook.save(source)

    target = tmp_path / f"builtin-{format_id}.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/styles.xml":
                styles = data.decode()
                styles = re.sub(r"<numFmts.*?</numFmts>", "", styles)
                styles = styles.replace('numFmtId="164"', f'numFmtId="{format_id}"')
                data = styles.encode()
            new.writestr(item, data)
    return target


@pytest.mark.parametrize("format_id", [14, 31, 57])
def test_iter_rows_builtin_date_format_read_as_date(tmp_path: Path, format_id: int) -> None:
    path = _xlsx_with_builtin_format(tmp_path, [44185, 44185.5], format_id)

    assert list(iter_rows(path)) == [
        (1, ["入职日期"]),
        (2, ["2020-12-20"]),
        (3, ["2020-12-20 12:00:00"]),
    ]


def test_openpyxl_builtin_cjk_format_reads_general(tmp_path: Path) -> None:
    # Guards the fixture above: openpyxl alone would hand back the bare serial.
    path = _xlsx_with_builtin_format(tmp_path, [44185], 31)
    cell = openpyxl.load_workbook(path).active["A2"]

    assert (cell.value, cell.number_format, cell.is_date) == (44185, "General", False)


def test_iter_rows_xlsx_cells_as_text(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(
        [12, 12.0, 0.1 + 0.2, 28.16, "'001251", datetime(2026, 9, 3, 14, 6, 51), date(2026, 9, 3)]  # noqa: DTZ001 - Excel cells are naive
    )
    workbook.active.append([None, " 张三\t", True, 1e16, "=1+1"])
    # Typed with a leading apostrophe in Excel, this is text, not a formula.
    workbook.active["E2"].data_type = "s"
    path = tmp_path / "cells.xlsx"
    workbook.save(path)

    assert list(iter_rows(path)) == [
        (1, ["12", "12", "0.3", "28.16", "'001251", "2026-09-03 14:06:51", "2026-09-03"]),
        (2, ["", "张三", "TRUE", "10000000000000000", "=1+1"]),
    ]


def test_iter_rows_xls_read_with_row_numbers() -> None:
    rows = dict(iter_rows(HERE / "ccb-debit.xls"))

    assert rows[3][:2] == ["币  种:", "人民币"]
    assert rows[6][:4] == ["记账日", "交易日期", "交易时间", "支出"]
    assert rows[7][:6] == ["20250101", "20250101", "18:53:19", "67", "0", "2176.91"]
    assert max(rows) == 13


def test_find_header_by_content_after_title_rows() -> None:
    rows = iter(
        [
            (1, ["员工花名册", "", ""]),
            (2, ["制表日期：2026-09-01", "", ""]),
            (3, ["\ufeff 工号 ", "员工姓名", "部门", "备注"]),
            (4, ["E001", "张三", "研发部", ""]),
        ]
    )

    row_number, mapping = find_header(rows, {"工号", "姓名"}, {"员工姓名": "姓名"})

    assert row_number == 3
    assert mapping == {"工号": 0, "姓名": 1, "部门": 2, "备注": 3}
    assert next(rows) == (4, ["E001", "张三", "研发部", ""])


def test_find_header_missing_column_lists_found() -> None:
    rows = [(1, ["工资表"]), (2, ["工号", "名字", "实发"])]

    with pytest.raises(HeaderProblem) as caught:
        find_header(rows, {"工号", "姓名", "实发工资"}, {"实发": "实发工资"})

    assert caught.value.issue.row is None
    assert caught.value.issue.message == (
        "找不到表头：缺少列「姓名」。最接近表头的是第 2 行，其中的列为：工号、名字、实发。"
        "请按模板的列名修改表头后重新导入。"
    )


def test_find_header_duplicate_column_rejected() -> None:
    rows = [(1, ["工号", "姓名", "员工姓名"])]

    with pytest.raises(HeaderProblem) as caught:
        find_header(rows, {"工号", "姓名"}, {"员工姓名": "姓名"})

    assert caught.value.issue.row == 1
    assert caught.value.issue.message == (
        "第 2 列和第 3 列都是「姓名」。请删除重复的一列或改名后重新导入。"
        "本行的列：工号、姓名、员工姓名。"
    )


def test_find_header_unknown_duplicate_ignored() -> None:
    rows = [(1, ["姓名", "扣除其他", "扣除其他"])]

    assert find_header(rows, {"姓名"}, {}) == (1, {"姓名": 0, "扣除其他": 1})


def test_find_header_no_rows_rejected() -> None:
    with pytest.raises(HeaderProblem) as caught:
        find_header([], {"工号"}, {})

    assert caught.value.issue.message == "文件中没有任何数据行。请确认选择了正确的文件和工作表。"
