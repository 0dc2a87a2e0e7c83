//! nginx as the load balancer in front of several goats: round-robin, keeping
//! connections to them open, naming the client in `X-Forwarded-For`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

pub struct Nginx {
    pub port: u16,
    child: Child,
    dir: PathBuf,
}

impl Nginx {
    /// Starts nginx balancing over the goats listening on `upstreams` (loopback ports);
    /// ready once a request through it reaches one of them. An instance that fails a
    /// request is left out for two seconds.
    pub fn start(upstreams: &[u16]) -> Result<Self, String> {
        let binary = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .ok_or("nginx is missing: run `make test-tools` (it installs Debian's nginx)")?;
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("goats-nginx-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let d = dir.display();
        let servers: String =
            upstreams.iter().map(|p| format!("server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;")).collect();
        // One process, no workers (`master_process off`): killing it leaves nothing
        // listening behind.
        let conf = format!(
            "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log;
             events {{ worker_connections 4096; }}
             http {{
               access_log off;
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
               uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
               upstream goats {{ {servers} keepalive 64; }}
               server {{
                 listen 127.0.0.1:{port};
                 location / {{
                   proxy_pass http://goats;
                   proxy_http_version 1.1;
                   proxy_set_header Connection \"\";
                   proxy_set_header Host $host;
                   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                   proxy_buffering off;
                   proxy_read_timeout 60s;
                 }}
               }}
             }}"
        );
        let file = dir.join("nginx.conf");
        std::fs::write(&file, conf).map_err(|e| format!("{}: {e}", file.display()))?;
        let child = Command::new(binary)
            .arg("-c")
            .arg(&file)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("nginx: {e}"))?;
        let nginx = Self { port, child, dir: dir.clone() };
        let started = Instant::now();
        while !nginx.answers() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!("nginx did not start (see {}/error.log)", nginx.dir.display()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }

    /// `http://127.0.0.1:<port>`
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let mut head = [0u8; 12];
        s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").is_ok()
            && s.read_exact(&mut head).is_ok()
            && head.ends_with(b"200")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
