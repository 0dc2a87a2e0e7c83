//! An LMTP server (RFC 2033): how a mail server hands goats its messages over a
//! connection it keeps, many at a time, rather than starting `goats mail ingest` for
//! each. Commands are parsed and DATA is un-dot-stuffed by smtp-proto.
//!
//! Every message gets an answer per recipient once it is stored or not: 250 only after
//! its ticket is committed, 4xx when storing failed and a later attempt may succeed
//! (the mail server keeps the message and tries again), 5xx when the message itself is
//! refused (it bounces). Which queue a message goes to is the postmaster's decision,
//! from the message as with the pipe, not from the envelope.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use smtp_proto::request::receiver::{DataReceiver, RequestReceiver};
use smtp_proto::{EXT_8BIT_MIME, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE, EhloResponse, Request, Response};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// What became of a message handed to the [`Inbox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Stored (or stored before: a message is taken once); what became of it.
    Stored(String),
    /// Not stored now; the mail server should try again later.
    Later(String),
    /// Never to be stored; the mail server should bounce it.
    Refused(String),
}

/// Where the messages the server receives go.
#[async_trait]
pub trait Inbox: Send + Sync {
    async fn take(&self, message: Vec<u8>) -> Taken;
}

#[derive(Debug, Clone)]
pub struct LmtpSettings {
    /// The name the server greets with.
    pub hostname: String,
    /// The largest message taken; a larger one is read to its end and refused.
    pub max_message_bytes: usize,
    /// Connections served at once; one more is told to come back later.
    pub max_connections: usize,
    /// How long a connection may say nothing before it is closed.
    pub idle: Duration,
}

/// Recipients one message may have (RFC 5321's minimum a server must accept).
const MOST_RECIPIENTS: usize = 100;

/// Serves LMTP on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, inbox: Arc<dyn Inbox>, settings: LmtpSettings) {
    let settings = Arc::new(settings);
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    loop {
        let (mut stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(error = %e, "LMTP: accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            let _ = stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n").await;
            continue;
        };
        let (inbox, settings) = (inbox.clone(), settings.clone());
        tokio::spawn(async move {
            if let Err(e) = Session::new(&settings).run(&mut stream, &*inbox).await {
                tracing::debug!(%peer, error = %e, "LMTP connection ended");
            }
            drop(slot);
        });
    }
}

/// One connection's transaction: who said hello, the envelope so far.
struct Session<'a> {
    settings: &'a LmtpSettings,
    greeted: bool,
    sender: bool,
    recipients: usize,
}

/// Where the connection is: reading commands, or a message's lines.
enum Reading {
    Commands,
    Message { receiver: DataReceiver, message: Vec<u8>, too_large: bool },
}

impl<'a> Session<'a> {
    fn new(settings: &'a LmtpSettings) -> Self {
        Self { settings, greeted: false, sender: false, recipients: 0 }
    }

    /// Answers the commands as they come, the replies to pipelined commands written
    /// together once what was read is used up.
    async fn run<S: AsyncRead + AsyncWrite + Unpin>(
        mut self,
        stream: &mut S,
        inbox: &dyn Inbox,
    ) -> std::io::Result<()> {
        let mut out = Vec::new();
        reply(&mut out, 220, [2, 0, 0], &format!("{} LMTP goats ready", self.settings.hostname));
        stream.write_all(&out).await?;
        let mut commands = RequestReceiver::default();
        let mut reading = Reading::Commands;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            out.clear();
            let n = match tokio::time::timeout(self.settings.idle, stream.read(&mut chunk)).await {
                Ok(read) => read?,
                Err(_) => {
                    stream.write_all(b"421 4.4.2 Idle too long, closing\r\n").await?;
                    return Ok(());
                }
            };
            if n == 0 {
                return Ok(());
            }
            let mut bytes = chunk[..n].iter();
            while !bytes.as_slice().is_empty() {
                match &mut reading {
                    Reading::Commands => match commands.ingest(&mut bytes) {
                        Ok(request) => match self.command(request, &mut out) {
                            Next::Continue => {}
                            Next::Data => {
                                reading = Reading::Message {
                                    receiver: DataReceiver::new(),
                                    message: Vec::new(),
                                    too_large: false,
                                }
                            }
                            Next::Quit => {
                                stream.write_all(&out).await?;
                                return Ok(());
                            }
                        },
                        Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                        Err(e) => refuse_line(&e, &mut out),
                    },
                    Reading::Message { receiver, message, too_large } => {
                        let ended = receiver.ingest(&mut bytes, message);
                        // A message past the limit is read to its end and not kept.
                        if message.len() > self.settings.max_message_bytes {
                            *too_large = true;
                            message.clear();
                        }
                        if !ended {
                            break;
                        }
                        let taken = if *too_large {
                            let mb = self.settings.max_message_bytes / (1024 * 1024);
                            Taken::Refused(format!("the message is larger than {mb} MB"))
                        } else {
                            // The replies so far go first: the mail server may be waiting on them.
                            stream.write_all(&out).await?;
                            out.clear();
                            inbox.take(std::mem::take(message)).await
                        };
                        for _ in 0..self.recipients {
                            match &taken {
                                Taken::Stored(what) => reply(&mut out, 250, [2, 0, 0], what),
                                Taken::Later(why) => reply(&mut out, 451, [4, 3, 0], why),
                                Taken::Refused(why) if *too_large => reply(&mut out, 552, [5, 3, 4], why),
                                Taken::Refused(why) => reply(&mut out, 554, [5, 6, 0], why),
                            }
                        }
                        self.reset();
                        reading = Reading::Commands;
                    }
                }
            }
            stream.write_all(&out).await?;
        }
    }

    fn command(&mut self, request: Request<std::borrow::Cow<'_, str>>, out: &mut Vec<u8>) -> Next {
        match request {
            Request::Lhlo { .. } => {
                self.greeted = true;
                self.reset();
                let mut hello = EhloResponse::new(self.settings.hostname.as_str());
                hello.capabilities = EXT_PIPELINING | EXT_ENHANCED_STATUS_CODES | EXT_8BIT_MIME | EXT_SIZE;
                hello.size = self.settings.max_message_bytes;
                let _ = hello.write(&mut *out);
            }
            Request::Ehlo { .. } | Request::Helo { .. } => {
                reply(out, 500, [5, 5, 1], "This is LMTP: say LHLO");
            }
            Request::Mail { from } => {
                if !self.greeted {
                    reply(out, 503, [5, 5, 1], "Say LHLO first");
                } else if self.sender {
                    reply(out, 503, [5, 5, 1], "A sender is already given");
                } else if from.size > self.settings.max_message_bytes {
                    let mb = self.settings.max_message_bytes / (1024 * 1024);
                    reply(out, 552, [5, 3, 4], &format!("The message is larger than {mb} MB"));
                } else {
                    self.sender = true;
                    reply(out, 250, [2, 1, 0], "Sender OK");
                }
            }
            Request::Rcpt { .. } => {
                if !self.sender {
                    reply(out, 503, [5, 5, 1], "Give MAIL first");
                } else if self.recipients >= MOST_RECIPIENTS {
                    reply(out, 452, [4, 5, 3], "Too many recipients");
                } else {
                    self.recipients += 1;
                    reply(out, 250, [2, 1, 5], "Recipient OK");
                }
            }
            Request::Data => {
                if self.recipients == 0 {
                    reply(out, 503, [5, 5, 1], "Give RCPT first");
                } else {
                    reply(out, 354, [0, 0, 0], "Send the message, ending with <CRLF>.<CRLF>");
                    return Next::Data;
                }
            }
            Request::Rset => {
                self.reset();
                reply(out, 250, [2, 0, 0], "OK");
            }
            Request::Noop { .. } => reply(out, 250, [2, 0, 0], "OK"),
            Request::Vrfy { .. } => reply(out, 252, [2, 5, 0], "Send the message and see"),
            Request::Quit => {
                reply(out, 221, [2, 0, 0], "Bye");
                return Next::Quit;
            }
            _ => reply(out, 502, [5, 5, 1], "Not implemented"),
        }
        Next::Continue
    }

    /// A new transaction: no sender, no recipients.
    fn reset(&mut self) {
        self.sender = false;
        self.recipients = 0;
    }
}

enum Next {
    Continue,
    Data,
    Quit,
}

fn refuse_line(e: &smtp_proto::Error, out: &mut Vec<u8>) {
    match e {
        smtp_proto::Error::UnknownCommand => reply(out, 500, [5, 5, 1], "Unknown command"),
        smtp_proto::Error::ResponseTooLong => reply(out, 500, [5, 5, 6], "Line too long"),
        smtp_proto::Error::InvalidSenderAddress => reply(out, 501, [5, 1, 7], "Bad sender address"),
        smtp_proto::Error::InvalidRecipientAddress => reply(out, 501, [5, 1, 3], "Bad recipient address"),
        _ => reply(out, 501, [5, 5, 4], "Syntax error"),
    }
}

/// One reply line; `text` kept to one line of printable characters.
fn reply(out: &mut Vec<u8>, code: u16, [a, b, c]: [u8; 3], text: &str) {
    let text: String = text.chars().map(|ch| if ch.is_control() { ' ' } else { ch }).collect();
    if code == 354 || code == 220 {
        // These carry no enhanced status code (RFC 2034 gives none for them).
        out.extend_from_slice(format!("{code} {text}\r\n").as_bytes());
        return;
    }
    let _ = Response::new(code, a, b, c, text).write(&mut *out);
}
