//! The Rust half of the hit-rate benchmark: replays every trace of bench/hitrate.traces.json
//! through the cache policy (`hotpath_core::cache::policy`), a plain LRU and Belady's optimum.
//!
//!   cargo run --release --example hitrate                 # table + target check
//!   cargo run --release --example hitrate -- --json       # JSON rows (bench/hitrate.bench.js)
//!   cargo run --release --example hitrate -- ps sprite    # only these traces
//!   cargo run --release --example hitrate -- --speed      # ns per access / insert at 200, 1k, 100k, 1M
//!   cargo run --release --example hitrate -- --memory [--weighted]  # bytes per entry at 1M
//!
//! Columns: `tinylfu` is the shipped configuration (window sized by the mini simulation,
//! no doorkeeper); `climber` sizes it by Caffeine's hit-rate hill climber instead;
//! `fixed` keeps the window at 1 %; `doorkeeper` adds the Bloom filter. The check is the
//! issue's target for `tinylfu`: ≥ 90 % of Belady, ≥ LRU − 1 point.
use hotpath_core::cache::policy::{sim, Adapt, TinyLfu, TinyLfuOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The read buffer the replay drains when full (the JS side's ring buffer size).
const READ_BUFFER: usize = 64;

/// Reads a trace: `.gz` is text, one decimal key a line (`*` lines are markers); `.xz` is
/// big-endian 32-bit keys.
fn read_trace(path: &Path) -> Vec<u32> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    if path.extension().is_some_and(|e| e == "xz") {
        lzma_rs::xz_decompress(&mut std::io::BufReader::new(file), &mut bytes)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    } else {
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::str::from_utf8(&bytes)
            .expect("a text trace")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "*")
            .map(|l| l.parse::<u32>().unwrap_or_else(|e| panic!("{l:?}: {e}")))
            .collect()
    }
}

/// The policy variants replayed: the shipped options first.
fn variants(size: u32) -> [(&'static str, TinyLfuOptions); 4] {
    let options = TinyLfuOptions::new(size);
    [
        ("tinylfu", options),
        (
            "climber",
            TinyLfuOptions {
                adapt: Adapt::HillClimb,
                ..options
            },
        ),
        (
            "fixed",
            TinyLfuOptions {
                adapt: Adapt::Fixed,
                ..options
            },
        ),
        (
            "doorkeeper",
            TinyLfuOptions {
                doorkeeper: true,
                ..options
            },
        ),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench");
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(bench.join("hitrate.traces.json")).expect("hitrate.traces.json"),
    )
    .expect("valid JSON");
    if let Some(i) = args.iter().position(|a| a == "--sweep") {
        return sweep(&bench, &config, &args[i + 1..]);
    }
    if args.iter().any(|a| a == "--speed") {
        return speed();
    }
    if args.iter().any(|a| a == "--memory") {
        return memory(args.iter().any(|a| a == "--weighted"));
    }
    let mut rows = Vec::new();
    let mut failed = 0;
    if !json {
        println!(
            "{:<10} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>10} {:>6}  {:<6} ns/request: tinylfu climber",
            "trace", "size", "LRU", "Belady", "tinylfu", "climber", "fixed", "doorkeeper", "÷OPT", "target"
        );
    }
    for trace in config["traces"].as_array().expect("traces") {
        let name = trace["name"].as_str().expect("name");
        if !only.is_empty() && !only.iter().any(|o| *o == name) {
            continue;
        }
        let keys = read_trace(
            &bench
                .join("traces")
                .join(trace["file"].as_str().expect("file")),
        );
        for size in trace["sizes"].as_array().expect("sizes") {
            let size = size.as_u64().expect("size") as u32;
            let lru = sim::lru(&keys, size as usize).hit_rate();
            let belady = sim::belady(&keys, size as usize).hit_rate();
            let mut rates = Vec::new();
            let mut nanos = Vec::new();
            for (_, options) in variants(size) {
                let started = Instant::now();
                rates.push(sim::tinylfu(&keys, options, READ_BUFFER).hit_rate());
                nanos.push(started.elapsed().as_nanos() as f64 / keys.len() as f64);
            }
            let tinylfu = rates[0];
            let ok = tinylfu >= 0.9 * belady && tinylfu >= lru - 0.01;
            failed += usize::from(!ok);
            if json {
                let mut row = serde_json::json!({
                    "trace": name, "size": size, "requests": keys.len(), "lru": lru, "belady": belady,
                });
                for ((label, _), rate) in variants(size).iter().zip(&rates) {
                    row[*label] = serde_json::json!(rate);
                }
                rows.push(row);
            } else {
                println!(
                    "{:<10} {:>6} {:>6.2}% {:>6.2}% {:>6.2}% {:>6.2}% {:>6.2}% {:>9.2}% {:>5.1}%  {:<6} {:>8.0} {:>7.0}",
                    name,
                    size,
                    100.0 * lru,
                    100.0 * belady,
                    100.0 * rates[0],
                    100.0 * rates[1],
                    100.0 * rates[2],
                    100.0 * rates[3],
                    100.0 * tinylfu / belady.max(f64::MIN_POSITIVE),
                    if ok { "ok" } else { "MISSED" },
                    nanos[0],
                    nanos[1],
                );
            }
        }
    }
    if json {
        println!("{}", serde_json::Value::Array(rows));
    } else {
        println!(
            "{failed} row(s) missed the target (tinylfu ≥ 90 % of Belady and ≥ LRU − 1 point)"
        );
    }
}

/// `--sweep TRACE SIZE`: hit rates for fixed window shares (tuning aid).
fn sweep(bench: &Path, config: &serde_json::Value, args: &[String]) {
    let (name, size) = (&args[0], args[1].parse::<u32>().expect("size"));
    let trace = config["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .find(|t| t["name"] == name.as_str())
        .expect("a trace of hitrate.traces.json");
    let keys = read_trace(
        &bench
            .join("traces")
            .join(trace["file"].as_str().expect("file")),
    );
    println!(
        "{name} @ {size}: LRU {:.2}%, Belady {:.2}%, tinylfu {:.2}%",
        100.0 * sim::lru(&keys, size as usize).hit_rate(),
        100.0 * sim::belady(&keys, size as usize).hit_rate(),
        100.0 * sim::tinylfu(&keys, TinyLfuOptions::new(size), READ_BUFFER).hit_rate()
    );
    for window in [
        0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99,
    ] {
        let options = TinyLfuOptions {
            adapt: Adapt::Fixed,
            window,
            ..TinyLfuOptions::new(size)
        };
        println!(
            "  window {:>4.0}%: {:.2}%",
            100.0 * window,
            100.0 * sim::tinylfu(&keys, options, READ_BUFFER).hit_rate()
        );
    }
}

/// A xorshift32 stream (deterministic inputs for `--speed` and `--memory`).
struct Random(u32);

impl Random {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// `--speed`: the policy's own cost, as the JS Cache will pay it, at 1k, 100k and 1M
/// entries (medians of 5 runs): `fill` is an insert into a cache with room, `access` one
/// slot of a drained read buffer (batches of 64 slots, every slot resident; `uniform` over
/// all entries, `skewed` mostly a hot tenth of them), `insert` an insert of a new key into a
/// full cache (one eviction each; the evicted slot is reused next, as the JS free list does).
fn speed() {
    const RUNS: usize = 5;
    const BATCH: usize = 64;
    println!(
        "{:<8} {:>9} {:>8} {:>9} {:>9} {:>8}   (ns, medians of {RUNS} runs)",
        "adapt", "entries", "fill", "uniform", "skewed", "insert"
    );
    for entries in [200u32, 1_000, 100_000, 1_000_000] {
        for (label, adapt) in [("minisim", Adapt::MiniSim), ("climber", Adapt::HillClimb)] {
            let mut samples: [Vec<f64>; 4] = Default::default();
            for run in 0..RUNS {
                let mut random = Random(0x9e37_79b9 ^ run as u32);
                let mut p = TinyLfu::with_options(TinyLfuOptions {
                    adapt,
                    ..TinyLfuOptions::new(entries)
                });
                let hashes: Vec<u32> = (0..entries).map(|_| random.next()).collect();
                let started = Instant::now();
                for slot in 0..entries {
                    p.insert(slot, hashes[slot as usize], 1);
                }
                samples[0].push(started.elapsed().as_nanos() as f64 / f64::from(entries));
                let reads = (4 * entries as usize).max(1 << 20);
                let uniform: Vec<u32> = (0..reads).map(|_| random.next() % entries).collect();
                let hot = (entries / 10).max(1);
                let skewed: Vec<u32> = (0..reads)
                    .map(|_| {
                        let r = random.next();
                        if r % 10 < 9 {
                            (r >> 4) % hot
                        } else {
                            (r >> 4) % entries
                        }
                    })
                    .collect();
                for (i, reads) in [(1, &uniform), (2, &skewed)] {
                    let started = Instant::now();
                    for batch in reads.chunks(BATCH) {
                        p.record_accesses(batch);
                    }
                    samples[i].push(started.elapsed().as_nanos() as f64 / reads.len() as f64);
                }
                let inserts = entries.max(1 << 18);
                let mut free = vec![entries];
                let started = Instant::now();
                for _ in 0..inserts {
                    let slot = free
                        .pop()
                        .expect("each insert into a full cache evicts one");
                    free.extend_from_slice(p.insert(slot, random.next(), 1));
                }
                samples[3].push(started.elapsed().as_nanos() as f64 / f64::from(inserts));
                assert_eq!(p.len(), entries as usize);
            }
            let [fill, uniform, skewed, insert] = samples.map(median);
            println!(
                "{label:<8} {entries:>9} {fill:>8.1} {uniform:>9.1} {skewed:>9.1} {insert:>8.1}"
            );
        }
    }
}

/// Resident set size of this process in bytes (Linux; 0 elsewhere).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// `--memory [--weighted]`: bytes per entry of a policy of 1M entries filled with 1M keys
/// (RSS growth of this process; run once per configuration, in a fresh process).
fn memory(weighted: bool) {
    const ENTRIES: u32 = 1_000_000;
    let mut random = Random(0x2545_f491);
    let before = rss();
    let mut p = TinyLfu::with_options(TinyLfuOptions {
        max_weight: weighted.then_some(u64::from(ENTRIES) * 100),
        ..TinyLfuOptions::new(ENTRIES)
    });
    for slot in 0..ENTRIES {
        p.insert(slot, random.next(), 1 + random.next() % 100);
    }
    let after = rss();
    println!(
        "{} policy, {} entries: RSS {:.1} bytes per entry",
        if weighted { "weighted" } else { "unweighted" },
        p.len(),
        (after - before) as f64 / f64::from(ENTRIES)
    );
}
