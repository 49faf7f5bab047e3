#!/usr/bin/env python3
"""Adds N official documents to a motcua SQLite database made by
`motcua init --demo`, for the search benchmark (bench/run.sh, part docsearch).

The documents are spread over the province's units and the years 2015-2017,
outgoing (numbered, with a notation such as 123/QD-UBND) and incoming (with
the sender's notation and a số đến). Subjects are drawn from the words of
real administrative documents; search_folded is written as the store writes
it (number and notation, subject, sender; lower case, diacritics off, đ → d),
and migration 028's triggers index it. Deterministic for a given seed.

usage: docs_gen.py DB N [SEED]
"""
import random
import sqlite3
import sys
import unicodedata

WORDS = (
    "về việc ban hành kế hoạch triển khai thực hiện công tác cải cách hành chính "
    "thủ tục đăng ký đất đai giao thông vận tải y tế giáo dục đào tạo nông nghiệp "
    "phát triển nông thôn tài chính ngân sách nhà nước quy hoạch xây dựng đô thị "
    "môi trường tài nguyên khoáng sản lao động thương binh xã hội văn hóa thể thao "
    "du lịch thông tin truyền thông tư pháp hộ tịch khai sinh kết hôn chứng thực "
    "đầu tư doanh nghiệp hộ kinh doanh thuế phí lệ phí kiểm tra thanh tra giám sát "
    "phòng chống thiên tai bão lũ dịch bệnh an toàn thực phẩm quốc phòng an ninh "
    "trật tự báo cáo tổng kết sơ kết quý năm tháng nhiệm vụ trọng tâm chỉ đạo điều hành "
    "tăng cường đẩy mạnh nâng cao chất lượng hiệu quả dịch vụ công trực tuyến một cửa "
    "liên thông chuyển đổi số chính quyền điện tử ứng dụng công nghệ"
).split()
TYPES = [("quyet_dinh", "QĐ"), ("cong_van", ""), ("bao_cao", "BC"), ("ke_hoach", "KH"),
         ("thong_bao", "TB"), ("to_trinh", "TTr"), ("giay_moi", "GM")]
SENDERS = ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Sở Y tế",
           "Sở Giáo dục và Đào tạo", "Bộ Nội vụ", "Văn phòng Chính phủ"]


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def main():
    db, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    units = [r[0] for r in con.execute(
        "SELECT id FROM unit WHERE level IN ('province', 'department', 'district') ORDER BY id")]
    units += [r[0] for r in con.execute("SELECT id FROM unit WHERE level = 'commune' ORDER BY id LIMIT 200")]
    regs = {}
    for u in units:
        for box in (1, 2):
            con.execute("INSERT OR IGNORE INTO doc_register (unit_id, box, name, organ_abbr, created_at) "
                        "VALUES (?, ?, ?, 'UBND', 1420070400)", (u, box, "Sổ văn bản " + ("đi" if box == 1 else "đến")))
    for rid, u, box in con.execute("SELECT id, unit_id, box FROM doc_register"):
        regs[(u, box)] = rid
    # The index is built once at the end ('rebuild'), not row by row by the
    # insert trigger: the same index, in a fraction of the time.
    trigger = con.execute("SELECT sql FROM sqlite_master WHERE name = 'document_fts_ai'").fetchone()[0]
    con.execute("DROP TRIGGER document_fts_ai")
    # Numbers go on from the demo's own documents of the same register and
    # year (number + register + year is unique).
    last = {(r, y): m for r, y, m in con.execute(
        "SELECT register_id, year, max(number) FROM document GROUP BY register_id, year")}
    counters = {(u, box, y): last[(rid, y)] for (u, box), rid in regs.items() for y in (2015, 2016, 2017)
                if (rid, y) in last}
    rows = []
    for i in range(n):
        u = rnd.choice(units)
        box = 1 if rnd.random() < 0.6 else 2
        year = rnd.choice((2015, 2016, 2017))
        typ, abbr = rnd.choice(TYPES)
        subject = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 14))).capitalize()
        key = (u, box, year)
        counters[key] = counters.get(key, 0) + 1
        number = counters[key]
        if box == 1:
            notation = f"{number}/{abbr + '-' if abbr else ''}UBND"
            sender = ""
        else:
            notation = f"{rnd.randint(1, 9999)}/{abbr + '-' if abbr else ''}{rnd.choice(('SNV', 'STC', 'STP', 'VP'))}"
            sender = rnd.choice(SENDERS)
        at = 1420070400 + (year - 2015) * 31536000 + rnd.randint(0, 31535999)
        rows.append((box, regs[(u, box)], u, 6 if box == 1 else 8, typ, subject, year, number, notation, sender,
                     at if box == 1 else 0, at if box == 2 else 0,
                     fold(f"{notation} {subject} {sender}"), at, at))
        if len(rows) == 20000 or i == n - 1:
            con.executemany(
                "INSERT INTO document (box, register_id, unit_id, state, type, subject, year, series, number, "
                "notation, organ_name, issued_at, received_at, search_folded, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'general', ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    # Migration 042: each document's scope, the units on the paths of its
    # unit and drafting unit, which the insert trigger would have written.
    if any(r[1] == "search_scope" for r in con.execute("PRAGMA table_info(document)")):
        con.execute("UPDATE document SET search_scope = coalesce((SELECT group_concat('u' || "
                    "replace(trim(u.path, '/'), '/', ' u'), ' ') FROM unit u "
                    "WHERE u.id IN (document.unit_id, document.drafting_unit_id)), '') WHERE search_scope IS NULL")
    con.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")
    con.execute(trigger)
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
