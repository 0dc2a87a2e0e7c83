//! Live mode: on an OTRS or Znuny database, the settings that decide what goats writes
//! come from OTRS's SysConfig, so goats and OTRS sharing the database number tickets
//! alike and read each other's times. What goats honours, and what it leaves to OTRS,
//! is listed in the README ("Running on an OTRS database").

use goats_core::ticket_number::Generator;
use goats_sql::Db;

use super::Config;
use crate::error::AppError;

const SYSTEM_ID: &str = "SystemID";
const GENERATOR: &str = "Ticket::NumberGenerator";
const MIN_COUNTER_SIZE: &str = "Ticket::NumberGenerator::MinCounterSize";
const HOOK: &str = "Ticket::Hook";
const TIME_ZONE: &str = "OTRSTimeZone";
const ARTICLE_STORAGE: &str = "Ticket::Article::Backend::MIMEBase::ArticleStorage";
const ARTICLE_DATA_DIR: &str = "Ticket::Article::Backend::MIMEBase::ArticleDataDir";

/// Replaces `config`'s ticket number settings with the OTRS database's own, and refuses
/// a database whose times goats would misread. A database goats created holds no
/// SysConfig values and changes nothing.
pub async fn adopt(config: &mut Config, db: &Db) -> Result<(), AppError> {
    let settings = db
        .otrs_settings(&[SYSTEM_ID, GENERATOR, MIN_COUNTER_SIZE, HOOK, TIME_ZONE, ARTICLE_STORAGE, ARTICLE_DATA_DIR])
        .await?;
    if let Some(zone) = settings.get(TIME_ZONE).filter(|z| !matches!(z.as_str(), "" | "UTC" | "Etc/UTC")) {
        return Err(AppError::Config(format!(
            "this OTRS database keeps its times in {zone} (OTRSTimeZone); goats reads and writes UTC, as OTRS does by default, so it would misread every time here. Copy the site with `goats import otrs`, which converts them"
        )));
    }
    // Agents would see tickets without their attachments and mails without their source.
    if settings.get(ARTICLE_STORAGE).is_some_and(|s| s.ends_with("ArticleStorageFS"))
        && config.tickets.article_dir.is_none()
    {
        let dir = settings.get(ARTICLE_DATA_DIR).map_or("its ArticleDataDir", String::as_str);
        return Err(AppError::Config(format!(
            "this OTRS database keeps article files on disk (ArticleStorageFS, in {dir}); set tickets.article_dir (or GOATS_ARTICLE_DIR) to that directory, or a mount of it, so goats can read them"
        )));
    }
    let tickets = &mut config.tickets;
    if let Some(id) = settings.get(SYSTEM_ID) {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::Config(format!("OTRS's SystemID is `{id}`; goats expects digits")));
        }
        take("tickets.system_id", &mut tickets.system_id, id.clone());
    }
    if let Some(module) = settings.get(GENERATOR) {
        let generator = match module.rsplit("::").next().unwrap_or_default() {
            "DateChecksum" => Generator::DateChecksum,
            "Date" => Generator::Date,
            "AutoIncrement" => Generator::AutoIncrement,
            "Random" => Generator::Random,
            _ => {
                return Err(AppError::Config(format!(
                    "OTRS numbers tickets with {module}, which goats does not have; its numbers would clash with OTRS's"
                )));
            }
        };
        take("tickets.number_generator", &mut tickets.number_generator, generator);
    }
    if let Some(size) = settings.get(MIN_COUNTER_SIZE) {
        let size = size
            .parse()
            .map_err(|_| AppError::Config(format!("OTRS's {MIN_COUNTER_SIZE} is `{size}`, not a number")))?;
        take("tickets.min_counter_size", &mut tickets.min_counter_size, size);
    }
    if let Some(hook) = settings.get(HOOK).filter(|h| !h.is_empty()) {
        take("tickets.hook", &mut tickets.hook, hook.clone());
    }
    Ok(())
}

/// OTRS's value wins: both write the same tickets, and OTRS keeps reading its own
/// setting. A different value in goats' configuration is named, so it is not a surprise.
fn take<T: PartialEq + std::fmt::Debug>(name: &str, ours: &mut T, theirs: T) {
    if *ours != theirs {
        tracing::info!(setting = name, goats = ?ours, otrs = ?theirs, "using the OTRS database's setting");
        *ours = theirs;
    }
}
