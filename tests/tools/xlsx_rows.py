#!/usr/bin/env python3
"""Prints the first worksheet of an XLSX file as JSON: {"sheet": name, "rows": [[cell, ...], ...]}.

Reads the file as a spreadsheet program would: the ZIP container, the workbook's sheet list,
shared or inline strings, numbers, and each cell at its column letter. A cell holding a formula
is reported as {"formula": text}, so a test can assert that an export has none.
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def column_index(reference):
    letters = re.match(r"[A-Z]+", reference).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def text_of(element):
    return "".join(t.text or "" for t in element.iter("{%s}t" % NS["m"]))


def main(path):
    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        sheet_name = workbook.find("m:sheets/m:sheet", NS).get("name")
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            strings = ET.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = [text_of(item) for item in strings.findall("m:si", NS)]
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.findall("m:sheetData/m:row", NS):
        cells = []
        for cell in row.findall("m:c", NS):
            index = column_index(cell.get("r"))
            while len(cells) < index:
                cells.append(None)
            formula = cell.find("m:f", NS)
            value = cell.find("m:v", NS)
            kind = cell.get("t")
            if formula is not None:
                cells.append({"formula": formula.text})
            elif kind == "inlineStr":
                cells.append(text_of(cell.find("m:is", NS)))
            elif kind == "s":
                cells.append(shared[int(value.text)])
            elif kind == "str":
                cells.append(value.text or "")
            elif value is not None:
                cells.append(value.text)  # a number, as written
            else:
                cells.append(None)
        rows.append(cells)
    json.dump({"sheet": sheet_name, "rows": rows}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
