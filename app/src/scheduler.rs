//! The scheduled jobs, each on its own apalis-cron worker in this process. Every
//! instance of goats runs them all; the jobs claim each action in the database (or
//! change a ticket only if it is still as they read it), so with several instances
//! every reminder, close and unlock still happens once. With `jobs.store` set, each
//! tick is queued in that store before it runs, so a tick whose run a restart cut
//! short is run when goats is back.

use std::str::FromStr;
use std::sync::Arc;

use apalis::prelude::{BackendExt, BoxDynError, Data, WorkerBuilder};
use apalis_cron::{CronScheduler, Tick};
use async_trait::async_trait;
use chrono::Duration;
use goats_core::DomainResult;
use goats_core::event::Event;
use goats_core::mail::{MailFetcher, MailSender};
use goats_core::ports::{DeliveryJournal, EventBus, Readiness, ScheduleStore, SystemClock};
use goats_core::scheduled::{
    EscalationIndexer, JobPorts, LockTimeoutReleaser, PendingAutoCloser, PendingReminderDetector,
};
use goats_core::tickets::TicketService;
use goats_mail::SmtpTransport;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::error::AppError;

/// Claims are kept this long: longer than any reminder interval, so none repeats early.
const CLAIMS_KEPT_DAYS: i64 = 30;

/// One scheduled job: runs once per tick and says what it did.
#[async_trait]
trait Job: Send + Sync {
    async fn run(&self) -> DomainResult<usize>;
}

#[async_trait]
impl Job for PendingReminderDetector {
    async fn run(&self) -> DomainResult<usize> {
        PendingReminderDetector::run(self).await
    }
}

#[async_trait]
impl Job for PendingAutoCloser {
    async fn run(&self) -> DomainResult<usize> {
        PendingAutoCloser::run(self).await
    }
}

#[async_trait]
impl Job for LockTimeoutReleaser {
    async fn run(&self) -> DomainResult<usize> {
        LockTimeoutReleaser::run(self).await
    }
}

#[async_trait]
impl Job for EscalationIndexer {
    async fn run(&self) -> DomainResult<usize> {
        let run = EscalationIndexer::run(self).await?;
        Ok(run.rewritten + run.announced)
    }
}

#[async_trait]
impl Job for MailSender {
    async fn run(&self) -> DomainResult<usize> {
        let run = MailSender::run(self).await?;
        if run.failed > 0 {
            tracing::warn!(failed = run.failed, "outgoing mail given up; the articles say why");
        }
        Ok(run.sent + run.retried + run.failed)
    }
}

#[async_trait]
impl Job for MailFetcher {
    async fn run(&self) -> DomainResult<usize> {
        let run = MailFetcher::run(self).await?;
        for (account, why) in &run.failed {
            tracing::warn!(account, %why, "a mail account could not be read; its mail stays on the server");
        }
        Ok(run.delivered)
    }
}

/// Forgets old claims, so the table stays small.
struct ClaimSweeper(Arc<dyn ScheduleStore>);

#[async_trait]
impl Job for ClaimSweeper {
    async fn run(&self) -> DomainResult<usize> {
        let before = chrono::Utc::now() - Duration::days(CLAIMS_KEPT_DAYS);
        Ok(self.0.forget_claims(before).await? as usize)
    }
}

/// Forgets delivery attempts older than `notifications.delivery_log_days`.
struct DeliverySweeper {
    journal: Arc<dyn DeliveryJournal>,
    kept: Duration,
}

#[async_trait]
impl Job for DeliverySweeper {
    async fn run(&self) -> DomainResult<usize> {
        Ok(self.journal.forget_before(chrono::Utc::now() - self.kept).await? as usize)
    }
}

struct Named {
    name: &'static str,
    job: Box<dyn Job>,
}

/// The running workers; dropping them is not enough, [`Scheduler::stop`] ends them.
pub struct Scheduler {
    workers: Arc<Vec<JoinHandle<()>>>,
}

/// The scheduler as `/readyz` sees it: ready while every job's worker runs.
struct Workers(Arc<Vec<JoinHandle<()>>>);

#[async_trait]
impl Readiness for Workers {
    fn name(&self) -> &'static str {
        "the scheduler"
    }

    async fn ready(&self) -> bool {
        !self.0.iter().any(JoinHandle::is_finished)
    }
}

impl Scheduler {
    pub async fn start(app: &App) -> Result<Self, AppError> {
        let store = TickStore::open(app.config.jobs.store.as_deref()).await?;
        let db = Arc::new(app.db.clone());
        let claims: Arc<dyn ScheduleStore> = db.clone();
        let ports = JobPorts {
            tickets: db.clone(),
            lookups: db.clone(),
            agents: db.clone(),
            schedule: db,
            events: Arc::new(ForgetReads { inner: app.events.clone(), tickets: app.tickets.clone() }),
            clock: Arc::new(SystemClock),
        };
        let jobs = &app.config.jobs;
        let mut workers = Vec::new();
        for (name, schedule) in jobs.all() {
            if !schedule.enabled {
                tracing::info!(job = name, "scheduled job switched off");
                continue;
            }
            let job: Box<dyn Job> = match name {
                "pending-reminder" => Box::new(PendingReminderDetector::new(
                    ports.clone(),
                    Duration::minutes(jobs.reminder_repeat_minutes),
                )),
                "pending-auto-close" => {
                    Box::new(PendingAutoCloser::new(ports.clone(), jobs.state_after_pending.clone()))
                }
                "escalation" => Box::new(EscalationIndexer::new(ports.clone(), app.calendars.clone())),
                _ => Box::new(LockTimeoutReleaser::new(ports.clone(), app.calendars.clone())),
            };
            workers.push(spawn(name, &schedule.schedule, job, &store)?);
        }
        workers.push(spawn("forget-claims", "0 17 * * * *", Box::new(ClaimSweeper(claims)), &store)?);
        let kept = Duration::days(i64::from(app.config.notifications.delivery_log_days));
        let sweeper = DeliverySweeper { journal: app.deliveries.clone(), kept };
        workers.push(spawn("forget-deliveries", "0 23 3 * * *", Box::new(sweeper), &store)?);
        match &app.config.mail.smtp {
            Some(smtp) => {
                let transport = SmtpTransport::new(&smtp.settings()).map_err(AppError::Config)?;
                let sender = MailSender::new(
                    Arc::new(app.db.clone()),
                    Arc::new(transport),
                    Arc::new(SystemClock),
                    app.config.mail.retry.policy(),
                );
                workers.push(spawn("mail-queue", &app.config.mail.send_schedule, Box::new(sender), &store)?);
            }
            None => tracing::info!("no mail.smtp server configured: outgoing mail waits in the queue"),
        }
        let fetcher = MailFetcher::new(
            Arc::new(app.db.clone()),
            Arc::new(goats_mail::Mailboxes),
            app.postmaster.clone(),
            Arc::new(app.db.clone()),
            Arc::new(SystemClock),
        );
        workers.push(spawn("mail-fetch", &app.config.mail.fetch_schedule, Box::new(fetcher), &store)?);
        Ok(Self { workers: Arc::new(workers) })
    }

    /// Whether the jobs still run, for `/readyz`: a worker that stopped makes the
    /// instance unready.
    pub fn health(&self) -> Arc<dyn Readiness> {
        Arc::new(Workers(self.workers.clone()))
    }

    pub fn stop(self) {
        self.workers.iter().for_each(JoinHandle::abort);
    }
}

/// Where ticks wait to be run.
enum TickStore {
    InProcess,
    Sqlite(apalis_sqlite::SqlitePool),
    Postgres(apalis_postgres::PgPool),
    Redis(apalis_redis::ConnectionManager),
}

impl TickStore {
    async fn open(url: Option<&str>) -> Result<Self, AppError> {
        let Some(url) = url else { return Ok(Self::InProcess) };
        let fail =
            |e: &dyn std::fmt::Display| AppError::Config(format!("jobs.store {}: {e}", goats_sql::mask_url(url)));
        if url.starts_with("sqlite:") {
            let options =
                apalis_sqlite::SqliteConnectOptions::from_str(url).map_err(|e| fail(&e))?.create_if_missing(true);
            if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
            }
            let pool = apalis_sqlite::SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(|e| fail(&e))?;
            // Only the store's own tables: its `setup` would also loosen the file's
            // durability settings.
            apalis_sqlite::SqliteStorage::migrations().run(&pool).await.map_err(|e| fail(&e))?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres") {
            let pool = apalis_postgres::PgPool::connect(url).await.map_err(|e| fail(&e))?;
            apalis_postgres::PostgresStorage::setup(&pool).await.map_err(|e| fail(&e))?;
            Ok(Self::Postgres(pool))
        } else {
            Ok(Self::Redis(apalis_redis::connect(url).await.map_err(|e| fail(&e))?))
        }
    }
}

/// This process among the instances sharing a tick store. A store refuses a second
/// worker of the same name while the first seems alive (Valkey for a minute after its
/// last heartbeat), so with fixed names a restarted instance, or a second one, would run
/// no jobs for that long.
static INSTANCE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{}-{:08x}", std::process::id(), rand::random::<u32>()));

/// Builds one job's worker on whichever backend its ticks come from, and runs it.
macro_rules! run_worker {
    ($name:expr, $backend:expr, $job:expr) => {{
        let name: &'static str = $name;
        let worker = WorkerBuilder::new(format!("{name}@{}", *INSTANCE)).backend($backend).data($job).build(tick);
        tokio::spawn(async move {
            if let Err(e) = worker.run().await {
                tracing::error!(job = name, error = %e, "a scheduled job's worker stopped");
            }
        })
    }};
}

fn spawn(name: &'static str, schedule: &str, job: Box<dyn Job>, store: &TickStore) -> Result<JoinHandle<()>, AppError> {
    let schedule = cron::Schedule::from_str(schedule)
        .map_err(|e| AppError::Config(format!("jobs: the schedule of {name} is not a cron expression: {e}")))?;
    let ticks = CronScheduler::new(schedule);
    let job = Arc::new(Named { name, job });
    // Each job has a queue of its own in the store, so a worker takes only its own ticks.
    Ok(match store {
        TickStore::InProcess => run_worker!(name, ticks, job),
        TickStore::Sqlite(pool) => {
            let queue =
                apalis_sqlite::SqliteStorage::new(pool).with_config(apalis_sqlite::Config::default().queue(name));
            run_worker!(name, ticks.pipe_to(queue), job)
        }
        TickStore::Postgres(pool) => {
            let queue =
                apalis_postgres::PostgresStorage::new(pool).with_config(apalis_postgres::Config::default().queue(name));
            run_worker!(name, ticks.pipe_to(queue), job)
        }
        TickStore::Redis(conn) => {
            let queue =
                apalis_redis::RedisStorage::new(conn.clone()).with_config(apalis_redis::Config::default().queue(name));
            run_worker!(name, ticks.pipe_to(queue), job)
        }
    })
}

async fn tick(_: Tick, job: Data<Arc<Named>>) -> Result<(), BoxDynError> {
    let span =
        tracing::info_span!(target: goats_http::routing::meter::SPANS, "job", otel.name = job.name, job = job.name);
    let result = tracing::Instrument::instrument(job.job.run(), span).await;
    let outcome = if result.is_ok() { "done" } else { "failed" };
    metrics::counter!("goats_job_runs_total", "job" => job.name, "outcome" => outcome).increment(1);
    match result {
        Ok(0) => Ok(()),
        Ok(acted) => {
            tracing::info!(job = job.name, acted, "scheduled job ran");
            Ok(())
        }
        Err(e) => {
            tracing::warn!(job = job.name, error = %e, "scheduled job failed; it runs again at its next time");
            Err(Box::new(e))
        }
    }
}

/// The jobs change tickets past the ticket service, and announce each change: before the
/// announcement goes out (and the agents' pages ask again), the service forgets what it
/// kept, so they see the change.
struct ForgetReads {
    inner: Arc<dyn EventBus>,
    tickets: Arc<TicketService>,
}

#[async_trait]
impl EventBus for ForgetReads {
    async fn publish(&self, event: Event) {
        if matches!(event, Event::TicketUpdated { .. }) {
            self.tickets.forget_reads();
        }
        self.inner.publish(event).await;
    }
}
