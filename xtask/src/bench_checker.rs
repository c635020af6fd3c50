//! `cargo xtask policy-corpus` and `cargo xtask bench-checker`: the inputs of the differential test against
//! parliament, and the checker's throughput next to serde_json's on the same documents.

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use marketplace_iam_policy::{Checker, Member, PolicyFile, PolicyKind, PolicySet, check};

use crate::policy_gen::{self, Options, Rng};

/// The five metering and entitlement actions.
const METERING: &[&str] = &[
    "aws-marketplace:ResolveCustomer",
    "aws-marketplace:BatchMeterUsage",
    "aws-marketplace:MeterUsage",
    "aws-marketplace:RegisterUsage",
    "aws-marketplace:GetEntitlements",
];

fn policies(count: usize, seed: u64, options: Options) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| policy_gen::policy(&mut rng, options))
        .collect()
}

fn write_jsonl(path: &Path, texts: &[String]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let catalog: Vec<String> = marketplace_iam_model::catalog::all()
        .iter()
        .map(|a| a.name.to_lowercase())
        .collect();
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    writeln!(out, "{}", serde_json::json!({ "catalog": catalog })).map_err(io)?;
    for text in texts {
        let allowed = policy_gen::allowed_actions(text)?;
        writeln!(
            out,
            "{}",
            serde_json::json!({ "policy": text, "allowed": allowed })
        )
        .map_err(io)?;
    }
    out.flush().map_err(io)
}

/// Writes `count` random policies as JSON lines: first `{"catalog": [...]}` (our catalog's action names, lower
/// case), then one `{"policy": "<document>", "allowed": [...]}` per policy.
pub fn write_corpus(out: &Path, count: usize, seed: u64, options: Options) -> Result<(), String> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    write_jsonl(out, &policies(count, seed, options))?;
    println!("wrote {count} policies (seed {seed}) to {}", out.display());
    Ok(())
}

/// The median time of each of `passes` over `rounds` rounds, and the median over the rounds of the first pass's
/// time divided by each pass's time in the same round (its speed relative to the first). The passes take turns
/// within each round, so a round's ratio compares passes run within the same second: a change in the machine's
/// speed between rounds (on the project's machine, up to a half from one minute to the next) leaves it alone,
/// whereas a ratio of the medians mixes speeds whenever the change falls inside the run.
fn median_times<const N: usize>(
    rounds: usize,
    mut passes: [&mut dyn FnMut(); N],
) -> ([Duration; N], [f64; N]) {
    let mut times = [(); N].map(|()| Vec::with_capacity(rounds));
    for _ in 0..rounds {
        for (pass, times) in passes.iter_mut().zip(&mut times) {
            let t = Instant::now();
            pass();
            times.push(t.elapsed());
        }
    }
    let ratios = std::array::from_fn(|p| {
        let mut r: Vec<f64> = (0..rounds)
            .map(|i| times[0][i].as_secs_f64() / times[p][i].as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    });
    (times.map(crate::median), ratios)
}

/// `serde_json::from_str::<Value>` of every document. The passes are functions of their own, never inlined, so that
/// an instruction count can be taken inside each (bench/checker-callgrind.sh).
#[inline(never)]
fn pass_value(texts: &[&String]) {
    for t in texts {
        let v: serde_json::Value = serde_json::from_str(t).unwrap_or_default();
        black_box(v);
    }
}

/// `PolicyFile::parse` of every document.
#[inline(never)]
fn pass_parse(texts: &[&String]) {
    for t in texts {
        black_box(PolicyFile::parse("p.json", t).ok());
    }
}

/// Parse and evaluate the five metering and entitlement actions, for every document.
#[inline(never)]
fn pass_parse_evaluate(texts: &[&String]) {
    pass_parse_evaluate_these(texts, METERING);
}

/// Parse and evaluate `actions`, for every document.
fn pass_parse_evaluate_these<S: AsRef<str>>(texts: &[&String], actions: &[S]) {
    for t in texts {
        if let Ok(file) = PolicyFile::parse("p.json", t) {
            let set = PolicySet::new(vec![file]);
            for a in actions {
                black_box(set.evaluate(a.as_ref(), None));
            }
        }
    }
}

/// Parse and evaluate the actions `required` alone: the decisions `check` starts from, without the over-grants and
/// warnings.
#[inline(never)]
fn pass_parse_decide(texts: &[&String], required: &[String]) {
    pass_parse_evaluate_these(texts, required);
}

/// Parse and check the actions `required` with a [`Checker`] that names no over-grant statements and works out no
/// warnings (as `check --gaad --format text` does): the decisions and the over-grants' actions, for every document.
#[inline(never)]
fn pass_parse_over_grants(texts: &[&String], required: &[String]) {
    let checker = Checker::new(required, None)
        .without_over_grant_statements()
        .without_warnings();
    for t in texts {
        if let Ok(file) = PolicyFile::parse("p.json", t) {
            let prepared = checker.prepare(&file.policy, PolicyKind::Identity);
            let member = Member {
                name: &file.name,
                policy: &file.policy,
                prepared: &prepared,
            };
            black_box(checker.check(&[member], None, &[]));
        }
    }
}

/// Parse and `check` the actions `required`, for every document.
#[inline(never)]
fn pass_parse_check(texts: &[&String], required: &[String]) {
    for t in texts {
        if let Ok(file) = PolicyFile::parse("p.json", t) {
            black_box(check(&PolicySet::new(vec![file]), required, None));
        }
    }
}

/// Times the checker next to serde_json on the same documents; writes the parliament and end-to-end inputs. With
/// `once`, runs each pass once and writes nothing.
pub fn run(out: &Path, count: usize, gaad_mb: usize, seed: u64, once: bool) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: a debug build; run `cargo run --release -p xtask -- bench-checker` for figures"
        );
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let texts = policies(
        count,
        seed,
        Options {
            not_action: true,
            strict_shapes: true,
        },
    );
    let bytes: usize = texts.iter().map(String::len).sum();
    // Which reader reads each document: the fast path, or (when it hands over) the strict reader.
    let (by_fast, by_strict): (Vec<&String>, Vec<&String>) = texts
        .iter()
        .partition(|t| marketplace_iam_policy::__readers::fast(t).is_some());
    let fast = by_fast.len();
    let large = texts.iter().filter(|t| t.len() > 64 * 1024).count();
    let saas: Vec<String> = [
        "aws-marketplace:ResolveCustomer",
        "aws-marketplace:BatchMeterUsage",
        "aws-marketplace:GetEntitlements",
    ]
    .map(String::from)
    .to_vec();
    let rounds = 15;

    let all: Vec<&String> = texts.iter().collect();
    if once {
        // One pass of each over the corpus, for an instruction count (bench/checker-callgrind.sh).
        pass_value(&all);
        pass_parse(&all);
        pass_parse_evaluate(&all);
        pass_parse_decide(&all, &saas);
        pass_parse_over_grants(&all, &saas);
        pass_parse_check(&all, &saas);
        println!("{count} policies, {bytes} bytes, seed {seed}: one pass of each");
        return Ok(());
    }
    let (
        [
            serde,
            parse,
            parse_eval,
            parse_decide,
            parse_over_grants,
            parse_check,
        ],
        ratios,
    ) = median_times(
        rounds,
        [
            &mut || pass_value(&all),
            &mut || pass_parse(&all),
            &mut || pass_parse_evaluate(&all),
            &mut || pass_parse_decide(&all, &saas),
            &mut || pass_parse_over_grants(&all, &saas),
            &mut || pass_parse_check(&all, &saas),
        ],
    );

    let mb = bytes as f64 / 1e6;
    println!(
        "{count} policies, {bytes} bytes ({:.0} bytes each), seed {seed}, {rounds} rounds (the passes take turns)",
        bytes as f64 / count as f64
    );
    println!(
        "readers: fast path {fast} documents ({:.1} %), strict reader {} ({:.1} %; {large} of them over 64 KiB)",
        100.0 * fast as f64 / count as f64,
        count - fast,
        100.0 * (count - fast) as f64 / count as f64,
    );
    println!(
        "{:<58} {:>10} {:>10} {:>12} {:>9} {:>11}",
        "", "time", "MB/s", "policies/s", "vs serde", "(medians)"
    );
    let row = |name: &str, d: Duration, ratio: f64| {
        println!(
            "{name:<58} {:>8.1}ms {:>10.1} {:>12.0} {:>8.2}x {:>10.2}x",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64(),
            count as f64 / d.as_secs_f64(),
            ratio,
            serde.as_secs_f64() / d.as_secs_f64()
        );
    };
    row("serde_json::from_str::<Value>", serde, ratios[0]);
    row(
        "marketplace-iam-policy: parse (PolicyFile::parse)",
        parse,
        ratios[1],
    );
    row(
        "parse + evaluate the 5 metering/entitlement actions",
        parse_eval,
        ratios[2],
    );
    row(
        "parse + evaluate the 3 saas actions (check's decisions)",
        parse_decide,
        ratios[3],
    );
    row(
        "parse + Checker(saas), over-grants unnamed, no warnings",
        parse_over_grants,
        ratios[4],
    );
    row(
        "parse + check(saas): 3 actions, over-grants, warnings",
        parse_check,
        ratios[5],
    );
    // What check(saas) reports per document, against the size of the document.
    let (mut over_grants, mut statements, mut warnings) = (0, 0, 0);
    for t in &texts {
        if let Ok(file) = PolicyFile::parse("p.json", t) {
            let report = check(&PolicySet::new(vec![file]), &saas, None);
            over_grants += report.over_grants.len();
            statements += report
                .over_grants
                .iter()
                .map(|g| g.statements.len())
                .sum::<usize>();
            warnings += report.warnings.len();
        }
    }
    println!(
        "check(saas) reports per document: {:.1} over-grants naming {:.1} statements, {:.2} warnings",
        over_grants as f64 / count as f64,
        statements as f64 / count as f64,
        warnings as f64 / count as f64,
    );
    println!(
        "time: median of the rounds; vs serde: median of the rounds' ratios to the serde pass of the same round; \
         (medians): ratio of the median times"
    );

    // Parse + evaluate on the documents of each reader alone, against `Value` on the same documents.
    for (name, docs) in [("fast path", &by_fast), ("strict reader", &by_strict)] {
        let (_, ratios) = median_times(
            rounds,
            [&mut || pass_value(docs), &mut || pass_parse_evaluate(docs)],
        );
        let size: usize = docs.iter().map(|t| t.len()).sum();
        println!(
            "parse + evaluate, the {} documents ({size} bytes) the {name} reads: {:.2}x their Value",
            docs.len(),
            ratios[1]
        );
    }

    let corpus = out.join("policies.jsonl");
    write_jsonl(&corpus, &texts)?;
    println!("wrote {}", corpus.display());
    if gaad_mb > 0 {
        let path = out.join("authorization-details.json");
        let text = policy_gen::authorization_details(seed, gaad_mb * 1_000_000);
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), text.len());
    }
    Ok(())
}
