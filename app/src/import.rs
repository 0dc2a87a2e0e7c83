//! `goats import otrs`: the command around `goats_sql::import`, with a progress bar per
//! table on a terminal and plain progress lines in a log.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use goats_sql::import::{self, ImportError, ImportProgress, Inspection};
use goats_sql::{Db, mask_url};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::{AppError, Config};

/// `--dry-run` and `--append`.
#[derive(Debug, Clone, Copy, Default)]
pub struct How {
    pub dry_run: bool,
    pub append: bool,
}

pub async fn otrs(
    config: &Config,
    from: &str,
    attachments_dir: Option<&Path>,
    how: How,
    report: Option<&Path>,
) -> Result<(), AppError> {
    if mask_url(from) == mask_url(&config.database.url) {
        return Err(AppError::Usage("--from names the database goats is configured for; import into another".into()));
    }
    let (source, inspection) = import::inspect(from, attachments_dir).await?;
    if how.dry_run {
        print_inspection(&inspection);
        if let Some(path) = report {
            write_json(path, &inspection)?;
        }
        source.close().await;
        return match inspection.problems.is_empty() {
            true => Ok(()),
            false => Err(ImportError::Problems(inspection.problems).into()),
        };
    }
    let target = Db::connect_unchecked(&config.database.url).await?;
    let mut progress = Progress::new();
    let outcome = import::run(from, &source, &inspection, &target, how.append, &mut progress).await;
    progress.clear();
    source.close().await;
    target.close().await;
    let outcome = outcome?;
    if let Some(path) = report {
        write_json(path, &outcome)?;
    }
    let failed: Vec<_> = outcome.tables.iter().filter(|t| !t.ok).collect();
    for t in &failed {
        eprintln!(
            "{}: {} row(s) in the source, {} in the target; checksums {} and {}",
            t.table, t.source_rows, t.target_rows, t.source_checksum, t.target_checksum
        );
    }
    for m in &outcome.mismatches {
        eprintln!("{m}");
    }
    if !outcome.ok {
        return Err(ImportError::Verification(format!(
            "{} table(s) and {} sampled ticket part(s) differ",
            failed.len(),
            outcome.mismatches.len()
        ))
        .into());
    }
    let (rows, merged): (u64, u64) = match outcome.appended {
        true => {
            outcome.tables.iter().fold((0, 0), |(r, m), t| (r + t.target_rows - t.target_rows_before, m + t.merged))
        }
        false => (outcome.rows, 0),
    };
    if outcome.appended {
        println!("added {rows} rows; {merged} source rows named what the target has already (merged into its rows)");
        if !outcome.kept_from_target.is_empty() {
            println!("the target's own settings stand; not carried: {}", outcome.kept_from_target.join(", "));
        }
    }
    println!(
        "imported {} rows from {} in {:.1} s{}; {} tables verified by count and checksum, {} tickets compared field by field",
        rows,
        outcome.source,
        outcome.seconds,
        if outcome.resumed { " (continued an interrupted import)" } else { "" },
        outcome.tables.len(),
        outcome.sampled_tickets.len()
    );
    print_not_carried(&inspection);
    // The copied tickets were written by OTRS, not goats: index them for search.
    let target = Db::connect(&config.database.url).await?;
    let indexed = crate::search::reindex(&target, true).await;
    target.close().await;
    println!("indexed {} tickets for search", indexed?.tickets_done);
    Ok(())
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), AppError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| AppError::Usage(e.to_string()))?;
    std::fs::write(path, text + "\n")?;
    Ok(())
}

fn print_inspection(i: &Inspection) {
    println!("source: {}", i.version);
    println!("time zone: {} (times are converted to UTC)", i.time_zone);
    println!("character set: {}", i.charset);
    println!("article storage: {}", i.article_storage);
    println!("would copy {} rows:", i.total_rows());
    for t in i.tables.iter().filter(|t| t.rows > 0) {
        println!("  {:<40} {:>12}", t.name(), t.rows);
    }
    print_not_carried(i);
    if i.problems.is_empty() {
        println!("no problems found");
    } else {
        println!("problems to fix in the source first:");
        for p in &i.problems {
            println!("  - {p}");
        }
    }
}

fn print_not_carried(i: &Inspection) {
    if !i.not_carried_tables.is_empty() {
        println!("tables goats does not carry: {}", i.not_carried_tables.join(", "));
    }
    if !i.not_carried_columns.is_empty() {
        println!("columns goats does not carry: {}", i.not_carried_columns.join(", "));
    }
}

/// Bars on a terminal; otherwise a line per table and one every few seconds.
pub(crate) struct Progress {
    bars: Option<MultiProgress>,
    current: Option<ProgressBar>,
    table_started: Instant,
    last_line: Instant,
    total: u64,
}

const LINE_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    pub(crate) fn new() -> Self {
        let bars = std::io::stderr().is_terminal().then(MultiProgress::new);
        Self { bars, current: None, table_started: Instant::now(), last_line: Instant::now(), total: 0 }
    }

    pub(crate) fn clear(&mut self) {
        if let Some(bar) = self.current.take() {
            bar.finish_and_clear();
        }
    }
}

impl ImportProgress for Progress {
    fn step(&mut self, what: &str) {
        self.clear();
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(what);
            }
            None => eprintln!("{what}"),
        }
    }

    fn table(&mut self, name: &str, total: u64, done: u64) {
        self.clear();
        self.total = total;
        self.table_started = Instant::now();
        self.last_line = Instant::now();
        if total == 0 {
            return;
        }
        match &self.bars {
            Some(bars) => {
                let bar = bars.add(ProgressBar::new(total));
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>30} [{bar:30}] {human_pos}/{human_len} rows, {per_sec}, {eta} left",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_prefix(name.to_string());
                bar.set_position(done);
                self.current = Some(bar);
            }
            None if done > 0 => eprintln!("{name}: continuing after {done} of {total} rows"),
            None => {}
        }
    }

    fn rows(&mut self, name: &str, done: u64) {
        if let Some(bar) = &self.current {
            bar.set_position(done);
        } else if self.bars.is_none() && self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            let rate = done as f64 / self.table_started.elapsed().as_secs_f64().max(0.001);
            eprintln!("{name}: {done}/{} rows, {rate:.0} rows/s", self.total);
        }
    }

    fn table_done(&mut self, name: &str, rows: u64) {
        if let Some(bar) = self.current.take() {
            bar.finish_and_clear();
            if let Some(bars) = &self.bars {
                let _ = bars.println(format!("{name}: {rows} rows"));
            }
        } else if self.bars.is_none() && self.total > 0 {
            eprintln!("{name}: {rows} rows copied in {:.1} s", self.table_started.elapsed().as_secs_f64());
        }
    }
}
