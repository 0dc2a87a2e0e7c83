//! The LMTP server as a mail server speaks to it, over loopback, with an inbox that
//! keeps what it is given: replies per recipient, pipelining, dot-stuffing, the order
//! of commands, the size limit, and an inbox that cannot store now.
// A test target: a panic is how a test (and its helpers) fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use goats_mail::lmtp::{Inbox, LmtpSettings, Taken, serve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;

/// Keeps every message; answers what `answer` says.
struct Kept {
    messages: Mutex<Vec<Vec<u8>>>,
    answer: Taken,
}

#[async_trait]
impl Inbox for Kept {
    async fn take(&self, message: Vec<u8>) -> Taken {
        self.messages.lock().unwrap().push(message);
        self.answer.clone()
    }
}

struct Client {
    lines: tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Client {
    async fn send(&mut self, text: &str) {
        self.write.write_all(text.as_bytes()).await.unwrap();
    }

    /// The next reply, all its lines joined.
    async fn reply(&mut self) -> String {
        let mut all = Vec::new();
        loop {
            let line = tokio::time::timeout(Duration::from_secs(5), self.lines.next_line()).await.unwrap().unwrap();
            let line = line.expect("the server closed the connection");
            let last = line.as_bytes().get(3) != Some(&b'-');
            all.push(line);
            if last {
                return all.join("\n");
            }
        }
    }
}

async fn server(answer: Taken, max_message_bytes: usize) -> (std::net::SocketAddr, Arc<Kept>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let inbox = Arc::new(Kept { messages: Mutex::new(Vec::new()), answer });
    let settings = LmtpSettings {
        hostname: "goats.test".into(),
        max_message_bytes,
        max_connections: 4,
        idle: Duration::from_secs(5),
    };
    tokio::spawn(serve(listener, inbox.clone(), settings));
    (addr, inbox)
}

async fn connect(addr: std::net::SocketAddr) -> Client {
    let (read, write) = TcpStream::connect(addr).await.unwrap().into_split();
    let mut c = Client { lines: BufReader::new(read).lines(), write };
    assert!(c.reply().await.starts_with("220 goats.test"));
    c
}

#[tokio::test]
async fn a_message_for_two_recipients_gets_a_reply_for_each_and_arrives_unstuffed() {
    let (addr, inbox) = server(Taken::Stored("new ticket 2026120610000011 (article 7)".into()), 1 << 20).await;
    let mut c = connect(addr).await;
    c.send("LHLO mx.example.com\r\n").await;
    let hello = c.reply().await;
    for capability in ["PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE 1048576"] {
        assert!(hello.contains(capability), "{hello}");
    }
    c.send("MAIL FROM:<jane@example.com>\r\n").await;
    assert_eq!(c.reply().await, "250 2.1.0 Sender OK");
    for to in ["support@example.org", "sales@example.org"] {
        c.send(&format!("RCPT TO:<{to}>\r\n")).await;
        assert_eq!(c.reply().await, "250 2.1.5 Recipient OK");
    }
    c.send("DATA\r\n").await;
    assert!(c.reply().await.starts_with("354 "));
    c.send("Subject: Dots\r\n\r\n..a line that began with a dot\r\n.\r\nQUIT\r\n").await;
    for _ in 0..2 {
        assert_eq!(c.reply().await, "250 2.0.0 new ticket 2026120610000011 (article 7)");
    }
    assert_eq!(c.reply().await, "221 2.0.0 Bye");
    let kept = inbox.messages.lock().unwrap().clone();
    assert_eq!(kept, [b"Subject: Dots\r\n\r\n.a line that began with a dot\r\n".to_vec()]);
}

#[tokio::test]
async fn pipelined_messages_are_answered_in_order_on_one_connection() {
    let (addr, inbox) = server(Taken::Stored("stored".into()), 1 << 20).await;
    let mut c = connect(addr).await;
    let mut all = String::from("LHLO mx\r\n");
    for i in 0..20 {
        all.push_str(&format!(
            "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nMessage-ID: <{i}@example.com>\r\n\r\nBody {i}\r\n.\r\n"
        ));
    }
    all.push_str("QUIT\r\n");
    c.send(&all).await;
    assert!(c.reply().await.starts_with("250-"));
    for _ in 0..20 {
        for expect in ["250 2.1.0", "250 2.1.5", "354 ", "250 2.0.0 stored"] {
            let r = c.reply().await;
            assert!(r.starts_with(expect), "{r} is not {expect}");
        }
    }
    assert_eq!(c.reply().await, "221 2.0.0 Bye");
    let kept = inbox.messages.lock().unwrap().clone();
    assert_eq!(kept.len(), 20);
    assert_eq!(kept[19], b"Message-ID: <19@example.com>\r\n\r\nBody 19\r\n".to_vec());
}

#[tokio::test]
async fn commands_out_of_order_are_refused_and_nothing_is_taken() {
    let (addr, inbox) = server(Taken::Stored("stored".into()), 1 << 20).await;
    let mut c = connect(addr).await;
    for (command, expect) in [
        ("EHLO mx\r\n", "500 5.5.1 This is LMTP"),
        ("MAIL FROM:<a@example.com>\r\n", "503 5.5.1 Say LHLO first"),
        ("LHLO mx\r\n", "250"),
        ("RCPT TO:<b@example.org>\r\n", "503 5.5.1 Give MAIL first"),
        ("DATA\r\n", "503 5.5.1 Give RCPT first"),
        ("MAIL FROM:<a@example.com>\r\n", "250 2.1.0"),
        ("MAIL FROM:<a@example.com>\r\n", "503 5.5.1 A sender is already given"),
        ("RSET\r\n", "250 2.0.0"),
        ("RCPT TO:<b@example.org>\r\n", "503 5.5.1 Give MAIL first"),
        ("FROB\r\n", "500 5.5.1 Unknown command"),
        ("STARTTLS\r\n", "502 5.5.1"),
        ("NOOP\r\n", "250 2.0.0"),
    ] {
        c.send(command).await;
        let r = c.reply().await;
        assert!(r.starts_with(expect), "{command:?} → {r}");
    }
    assert!(inbox.messages.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_message_over_the_limit_is_refused_for_each_recipient_and_the_next_one_arrives() {
    let (addr, inbox) = server(Taken::Stored("stored".into()), 1024).await;
    let mut c = connect(addr).await;
    c.send("LHLO mx\r\n").await;
    c.reply().await;
    c.send("MAIL FROM:<a@example.com> SIZE=4096\r\n").await;
    assert!(c.reply().await.starts_with("552 5.3.4"), "the declared size is refused at once");
    c.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n").await;
    for _ in 0..4 {
        c.reply().await;
    }
    let big = "x".repeat(70);
    let mut message = String::from("Subject: Big\r\n\r\n");
    for _ in 0..100 {
        message.push_str(&big);
        message.push_str("\r\n");
    }
    c.send(&format!("{message}.\r\n")).await;
    for _ in 0..2 {
        let r = c.reply().await;
        assert!(r.starts_with("552 5.3.4") && r.contains("larger than"), "{r}");
    }
    c.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: Small\r\n\r\nHi\r\n.\r\n").await;
    for _ in 0..3 {
        c.reply().await;
    }
    assert_eq!(c.reply().await, "250 2.0.0 stored");
    assert_eq!(inbox.messages.lock().unwrap().len(), 1, "only the small one was given to the inbox");
}

#[tokio::test]
async fn an_inbox_that_cannot_store_now_asks_to_try_again_and_one_that_refuses_bounces() {
    for (answer, expect) in [
        (Taken::Later("the database is unavailable\nfor now".into()), "451 4.3.0 the database is unavailable for now"),
        (Taken::Refused("not a message".into()), "554 5.6.0 not a message"),
    ] {
        let (addr, _) = server(answer, 1 << 20).await;
        let mut c = connect(addr).await;
        c.send("LHLO mx\r\nMAIL FROM:<>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: x\r\n\r\ny\r\n.\r\n").await;
        for _ in 0..4 {
            c.reply().await;
        }
        assert_eq!(c.reply().await, expect);
    }
}
