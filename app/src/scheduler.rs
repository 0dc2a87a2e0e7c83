//! The scheduled jobs, each on its own apalis-cron worker in this process. Every
//! instance of goats runs them all; the jobs claim each action in the database (or
//! change a ticket only if it is still as they read it), so with several instances
//! every reminder, close and unlock still happens once.

use std::str::FromStr;
use std::sync::Arc;

use apalis::prelude::{BoxDynError, Data, WorkerBuilder};
use apalis_cron::{CronScheduler, Tick};
use async_trait::async_trait;
use chrono::Duration;
use goats_core::DomainResult;
use goats_core::ports::{ScheduleStore, SystemClock};
use goats_core::scheduled::{
    EscalationIndexer, JobPorts, LockTimeoutReleaser, PendingAutoCloser, PendingReminderDetector,
};
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

/// Forgets old claims, so the table stays small.
struct ClaimSweeper(Arc<dyn ScheduleStore>);

#[async_trait]
impl Job for ClaimSweeper {
    async fn run(&self) -> DomainResult<usize> {
        let before = chrono::Utc::now() - Duration::days(CLAIMS_KEPT_DAYS);
        Ok(self.0.forget_claims(before).await? as usize)
    }
}

struct Named {
    name: &'static str,
    job: Box<dyn Job>,
}

/// The running workers; dropping them is not enough, [`Scheduler::stop`] ends them.
pub struct Scheduler {
    workers: Vec<JoinHandle<()>>,
}

impl Scheduler {
    pub fn start(app: &App) -> Result<Self, AppError> {
        let store = Arc::new(app.db.clone());
        let ports = JobPorts {
            tickets: store.clone(),
            lookups: store.clone(),
            agents: store.clone(),
            schedule: store.clone(),
            events: app.events.clone(),
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
            workers.push(spawn(name, &schedule.schedule, job)?);
        }
        workers.push(spawn("forget-claims", "0 17 * * * *", Box::new(ClaimSweeper(store)))?);
        Ok(Self { workers })
    }

    pub fn stop(self) {
        for worker in self.workers {
            worker.abort();
        }
    }
}

fn spawn(name: &'static str, schedule: &str, job: Box<dyn Job>) -> Result<JoinHandle<()>, AppError> {
    let schedule = cron::Schedule::from_str(schedule)
        .map_err(|e| AppError::Config(format!("jobs: the schedule of {name} is not a cron expression: {e}")))?;
    let worker =
        WorkerBuilder::new(name).backend(CronScheduler::new(schedule)).data(Arc::new(Named { name, job })).build(tick);
    Ok(tokio::spawn(async move {
        if let Err(e) = worker.run().await {
            tracing::error!(job = name, error = %e, "a scheduled job's worker stopped");
        }
    }))
}

async fn tick(_: Tick, job: Data<Arc<Named>>) -> Result<(), BoxDynError> {
    match job.job.run().await {
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
