"""Stream a generated 100,000-message Telegram export: throughput, peak RSS, re-import speed.

    python benchmarks/bench_telegram.py [--n 100000] [--reimport] [--json-load]

Writes a Telegram Desktop export (three channels, English/Ukrainian/Russian posts with bold,
links, hashtags and text links, forwards, edits, media-only and service messages; about 1 KB a
message as Telegram Desktop writes it, indented) and reads it in a fresh process with
``claimmap.inputs.telegram.read_export``: messages per second, MB per second and the reader
process's peak resident memory (target < 500 MiB).

``--reimport`` also measures the path a re-import of an unchanged export takes: every article
is stored first (without analysis, to keep the run short), then the whole export goes through
``Pipeline.ingest_paths`` again, where each message is read, hashed and found already stored.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = (
    "Russian forces shelled {place} overnight, the regional military administration said.",
    "Російські війська обстріляли {place}, повідомила обласна військова адміністрація.",
    "Российские войска атаковали {place} в Сумской области, сообщили в штабе.",
)
PLACES = ("Shostka", "Yunakivka", "Myropillia", "Krasnopillia", "Bilopillia", "Vorozhba",
          "Khotin", "Kindrativka", "Oleksandriia", "Konotop")  # fmt: skip


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def message(n: int, rng: random.Random) -> dict:
    stamp = 1_717_200_000 + n * 97
    local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp + 3 * 3600))
    base = {"id": n, "type": "message", "date": local, "date_unixtime": str(stamp),
            "from": "Channel", "from_id": "channel1001"}  # fmt: skip
    kind = n % 20
    if kind == 0:
        return {"id": n, "type": "service", "date": local, "date_unixtime": str(stamp),
                "actor": "Channel", "actor_id": "channel1001", "action": "pin_message",
                "message_id": n - 1}  # fmt: skip
    if kind == 1:
        return {**base, "photo": f"photos/photo_{n}.jpg", "width": 1280, "height": 960,
                "text": "", "text_entities": []}  # fmt: skip
    body = " ".join(
        SENTENCES[(n + i) % 3].format(place=rng.choice(PLACES)) for i in range(rng.randint(2, 5))
    )
    parts = [
        {"type": "bold", "text": "⚡️ Update"},
        {"type": "plain", "text": f" {body} "},
        {"type": "hashtag", "text": "#Sumy"},
        {"type": "plain", "text": " "},
        {"type": "text_link", "text": "source", "href": f"https://example.org/{n}"},
    ]
    out = {**base, "text": parts, "text_entities": parts}
    if kind == 2:
        out["forwarded_from"] = "General Staff"
        out["forwarded_from_id"] = "channel2002"
    if kind == 3:
        out["edited"] = local
        out["edited_unixtime"] = str(stamp + 600)
    return out


def write_export(path: Path, n: int) -> int:
    rng = random.Random(16)
    per = n // 3
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "about": "Here is the data you requested.",\n "chats": {\n  "list": [\n')
        for c, name in enumerate(("DeepState", "Sumy OVA", "War blogger")):
            count = per if c < 2 else n - 2 * per
            head = {"name": name, "type": "public_channel", "id": 1001 + c}
            out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "messages": [\n')
            for i in range(count):
                text = json.dumps(message(c * per + i + 1, rng), ensure_ascii=False, indent=1)
                out.write(text + (",\n" if i < count - 1 else "\n"))
            out.write("]}" + (",\n" if c < 2 else "\n"))
        out.write("  ]\n }\n}\n")
    return path.stat().st_size


def read(path: str) -> None:
    """The measured part, run in its own process so its peak RSS is its own."""
    from claimmap.inputs.telegram import ExportReport, read_export

    report = ExportReport()
    started = time.perf_counter()
    chars = sum(len(m.article.text) for m in read_export(path, report=report))
    took = time.perf_counter() - started
    print(json.dumps({"seconds": took, "chars": chars, "counts": dict(report.counts),
                      "peak_mib": peak_mib()}))  # fmt: skip


def json_load(path: str) -> None:
    """What reading the export whole would cost: ``json.load``, for comparison."""
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    took = time.perf_counter() - started
    print(json.dumps({"seconds": took, "chats": len(data["chats"]["list"]),
                      "peak_mib": peak_mib()}))  # fmt: skip


def reimport(path: str, db: str) -> None:
    from claimmap.inputs.telegram import read_export
    from claimmap.pipeline import Pipeline
    from claimmap.records import ArticleAnalysis

    pipeline = Pipeline.open(db=db, offline=True)
    for m in read_export(path):
        pipeline.store.save_analysis(ArticleAnalysis(m.article))
    started = time.perf_counter()
    summary = pipeline.ingest_paths([path])
    took = time.perf_counter() - started
    print(json.dumps({"seconds": took, "ingested": len(summary.ingested),
                      "duplicates": len(summary.duplicates), "peak_mib": peak_mib()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reimport", action="store_true")
    parser.add_argument("--json-load", action="store_true", help="also measure json.load")
    parser.add_argument("--_read", help=argparse.SUPPRESS)
    parser.add_argument("--_reimport", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--_json_load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._read:
        return read(args._read)
    if args._reimport:
        return reimport(*args._reimport)
    if args._json_load:
        return json_load(args._json_load)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        size = write_export(path, args.n)
        run = [sys.executable, __file__]
        out = subprocess.run([*run, "--_read", str(path)], check=True, capture_output=True)
        got = json.loads(out.stdout)
        counts = got["counts"]
        print(f"export: {args.n:,} messages, {size / 2**20:.1f} MiB")
        print(
            f"read: {got['seconds']:.1f} s, {counts['read'] / got['seconds']:,.0f} messages/s, "
            f"{size / 2**20 / got['seconds']:.1f} MiB/s; peak RSS {got['peak_mib']:.0f} MiB"
        )
        print(f"  {counts['articles']:,} articles, {counts.get('service', 0):,} service, "
              f"{counts.get('media_only', 0):,} media-only, {counts.get('forwards', 0):,} "
              f"forwards, {counts.get('edited', 0):,} edited")  # fmt: skip
        if args.json_load:
            out = subprocess.run([*run, "--_json_load", str(path)], check=True,
                                 capture_output=True)  # fmt: skip
            whole = json.loads(out.stdout)
            print(
                f"json.load of the same file, for comparison: {whole['seconds']:.1f} s, "
                f"peak RSS {whole['peak_mib']:.0f} MiB"
            )
        if args.reimport:
            db = str(Path(tmp) / "bench.db")
            out = subprocess.run([*run, "--_reimport", str(path), db], check=True,
                                 capture_output=True)  # fmt: skip
            again = json.loads(out.stdout)
            print(f"re-import of the unchanged export: {again['seconds']:.1f} s "
                  f"({again['duplicates'] / again['seconds']:,.0f} messages/s), "
                  f"{again['ingested']} new, {again['duplicates']:,} already stored; "
                  f"peak RSS {again['peak_mib']:.0f} MiB (with the gazetteers)")  # fmt: skip
    return None


if __name__ == "__main__":
    main()
