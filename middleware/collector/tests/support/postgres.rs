//! A real PostgreSQL server for tests and benchmarks: the binaries of Debian's `postgresql`
//! package, a new cluster in a temporary directory, run as user `postgres` (through
//! `runuser` when this process is root), listening on 127.0.0.1 and a free port. Stopped, and
//! its directory removed, when dropped.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A PostgreSQL cluster of this test.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Server settings beyond the address, as `-c name=value` options.
    settings: String,
}

/// Certificates made with openssl for a server on 127.0.0.1.
pub struct Certificates {
    /// The CA that signed the server's certificate (PEM).
    pub ca: PathBuf,
    /// A CA that did not (PEM).
    pub other_ca: PathBuf,
}

/// The newest `/usr/lib/postgresql/N/bin` that has `initdb`.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

/// Whether a test that needs PostgreSQL should run: when no binaries exist it says so on
/// stderr and the test returns, unless `MEDIADIAG_REQUIRE_POSTGRES` is set (CI sets it).
pub fn available(test: &str) -> bool {
    if binaries().is_some() {
        return true;
    }
    assert!(std::env::var_os("MEDIADIAG_REQUIRE_POSTGRES").is_none(), "no PostgreSQL binaries, and CI requires them");
    eprintln!("SKIPPED {test}: no PostgreSQL binaries (apt-get install postgresql)");
    false
}

impl Postgres {
    /// A new cluster, not started.
    pub fn init() -> Postgres {
        let bin = binaries().expect("PostgreSQL binaries (apt-get install postgresql)");
        let dir = std::env::temp_dir().join(format!("mediadiag-pg-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let postgres = Postgres { dir, bin, port, settings: String::new() };
        if is_root() {
            let owned = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&postgres.dir).status().unwrap();
            assert!(owned.success(), "chown to the postgres user");
        }
        let init = postgres
            .command("initdb")
            .arg("-D")
            .arg(postgres.data())
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        postgres
    }

    /// A new cluster, started.
    pub fn start() -> Postgres {
        let postgres = Postgres::init();
        postgres.start_again();
        postgres
    }

    /// A new cluster serving TLS (and plain TCP) with a certificate for 127.0.0.1 signed by a
    /// CA of its own, started. openssl comes with Debian's postgresql package (through
    /// ssl-cert).
    pub fn start_with_tls() -> (Postgres, Certificates) {
        let mut postgres = Postgres::init();
        let dir = &postgres.dir;
        let openssl = |args: &[&str]| {
            let output = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl");
            assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        };
        let new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        for ca in ["ca", "other-ca"] {
            let (key, pem, subject) = (format!("{ca}.key"), format!("{ca}.pem"), format!("/CN=mediadiag test {ca}"));
            let args = ["req", "-x509", "-days", "2", "-keyout", &key, "-out", &pem, "-subj", &subject];
            let extensions =
                ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"];
            openssl(&[&args[..], &new_key, &extensions].concat());
        }
        openssl(
            &[&["req", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"][..], &new_key].concat(),
        );
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-extfile",
            "server.ext",
        ]);
        if is_root() {
            let owned =
                Command::new("chown").args(["postgres:postgres", "server.key", "server.crt"]).current_dir(dir).status();
            assert!(owned.unwrap().success(), "chown the server's key to the postgres user");
        }
        postgres.settings =
            format!("-c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key", postgres.dir.display());
        postgres.start_again();
        let certificates =
            Certificates { ca: postgres.dir.join("ca.pem"), other_ca: postgres.dir.join("other-ca.pem") };
        (postgres, certificates)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `program` of the PostgreSQL binaries, as the `postgres` user.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    /// The collector's `--store` URL.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The collector's `--store` URL for database `db`.
    pub fn url_of(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}?sslmode=disable", self.port)
    }

    /// The `--store` URL with no query string: sslmode is then `prefer`.
    pub fn url_without_query(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub fn start_again(&self) {
        let options =
            format!("-p {} -c listen_addresses=127.0.0.1 -k {} {}", self.port, self.dir.display(), self.settings);
        let started = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(started.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&started.stderr));
    }

    /// Stops the server: `immediate` is a crash (no checkpoint, clients cut off), else `fast`.
    pub fn stop(&self, mode: &str) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-w", "-t", "60", "-m", mode, "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Runs SQL with psql; its output, one row a line, columns separated by `|`.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_in("postgres", sql)
    }

    /// Runs SQL with psql in database `db`.
    pub fn psql_in(&self, db: &str, sql: &str) -> String {
        let output = self.psql_command(db).args(["-c", sql]).output().unwrap();
        assert!(output.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    }

    fn psql_command(&self, db: &str) -> Command {
        let mut command = Command::new(self.bin.join("psql"));
        command.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            "-d",
            db,
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
        ]);
        command
    }

    /// A psql session that holds `ACCESS EXCLUSIVE` on table `reports` until dropped.
    pub fn lock_reports(&self) -> Session {
        let mut child = self.psql_command("postgres").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let stdin = child.stdin.as_mut().unwrap();
        stdin.write_all(b"BEGIN;\nLOCK TABLE reports IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n").unwrap();
        stdin.flush().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("locked") {
            line.clear();
            assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "psql ended before the lock");
        }
        Session(child)
    }
}

/// A psql session; ending it (drop) rolls back its transaction.
pub struct Session(Child);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop("immediate");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A number no other cluster of this process has.
fn unique() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
