//! The shell steps of the backup and drill jobs, assembled from named parts so each
//! command is readable and tested. They run in the pinned images of `images`.

/// Images of the backup jobs, pinned.
pub mod images {
    /// pg_dump, pg_restore and psql matching the managed PostgreSQL major version.
    pub const POSTGRES: &str = "postgres:17.6-alpine3.22";
    /// The S3 client.
    pub const AWS_CLI: &str = "amazon/aws-cli:2.31.13";
    /// clickhouse-client.
    pub const CLICKHOUSE: &str = "clickhouse/clickhouse-server:25.8";
}

/// Where a job's files are exchanged between its containers.
pub const WORK_DIR: &str = "/backup";

/// Dumps one database in custom (compressed) format, records exact row counts per table,
/// and writes a SHA-256 of the dump.
pub fn dump(database: &str) -> String {
    let counts = "SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || relname, schemaname, relname) FROM pg_stat_user_tables ORDER BY 1";
    [
        "set -eu".to_owned(),
        format!("pg_dump --dbname=\"$(cat $DATABASE_URL_FILE)\" --format=custom --compress=9 --file={WORK_DIR}/{database}.dump"),
        format!("psql \"$(cat $DATABASE_URL_FILE)\" -At -c \"{counts}\" | psql \"$(cat $DATABASE_URL_FILE)\" -At > {WORK_DIR}/{database}.counts"),
        format!("cd {WORK_DIR} && sha256sum {database}.dump {database}.counts > {database}.sha256"),
    ]
    .join("\n")
}

/// Uploads the dump, counts and checksum with a customer-provided encryption key under
/// `daily/` (30-day lifecycle), and once a week also under `weekly/` (365 days).
pub fn upload(bucket: &str, prefix: &str, key_file: &str) -> String {
    let sse = format!("--sse-c AES256 --sse-c-key fileb://{WORK_DIR}/key.bin");
    [
        "set -eu".to_owned(),
        format!("base64 -d {key_file} > {WORK_DIR}/key.bin"),
        "stamp=$(date -u +%Y%m%dT%H%M%SZ)".to_owned(),
        format!("aws s3 cp --recursive --exclude key.bin {sse} {WORK_DIR}/ s3://{bucket}/daily/{prefix}/$stamp/"),
        format!("if [ \"$(date -u +%u%H)\" = \"700\" ]; then aws s3 cp --recursive --exclude key.bin {sse} {WORK_DIR}/ s3://{bucket}/weekly/{prefix}/$stamp/; fi"),
        format!("rm -f {WORK_DIR}/key.bin"),
    ]
    .join("\n")
}

/// Downloads the newest backup of every database into `WORK_DIR/<database>/`.
pub fn fetch_latest(bucket: &str, databases: &[String], key_file: &str) -> String {
    let mut steps = vec!["set -eu".to_owned(), format!("base64 -d {key_file} > {WORK_DIR}/key.bin")];
    for database in databases {
        steps.push(format!(
            "latest=$(aws s3 ls s3://{bucket}/daily/postgres/{database}/ | awk '{{print $2}}' | sort | tail -n 1)"
        ));
        steps.push(format!("test -n \"$latest\" || {{ echo 'no backup of {database}'; exit 1; }}"));
        steps.push(format!(
            "aws s3 cp --recursive --sse-c AES256 --sse-c-key fileb://{WORK_DIR}/key.bin s3://{bucket}/daily/postgres/{database}/$latest {WORK_DIR}/{database}/"
        ));
    }
    steps.push(format!("rm -f {WORK_DIR}/key.bin"));
    steps.join("\n")
}

/// Verifies checksums, restores each dump into a throw-away local PostgreSQL, and
/// compares exact row counts with those recorded at backup time.
pub fn verify_restore(databases: &[String]) -> String {
    let counts = "SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || relname, schemaname, relname) FROM pg_stat_user_tables ORDER BY 1";
    let mut steps = vec![
        "set -eu".to_owned(),
        // The data directory holds every restored database: on the work volume sized for
        // the dumps, not the small /tmp, which keeps only the server's socket. This step
        // runs as the image's postgres user, so it writes only to the work volume's
        // top (an emptyDir anyone may write), not into the directories the fetch made.
        format!("initdb -D {WORK_DIR}/pgdata --auth=trust --username=drill > /dev/null"),
        format!("pg_ctl -D {WORK_DIR}/pgdata -o '-k /tmp -c listen_addresses=' -w start > /dev/null"),
    ];
    for database in databases {
        steps.push(format!("cd {WORK_DIR}/{database} && sha256sum -c {database}.sha256"));
        steps.push(format!("createdb -h /tmp -U drill {database}"));
        steps.push(format!(
            "pg_restore -h /tmp -U drill --no-owner --no-privileges --dbname={database} {database}.dump"
        ));
        steps.push(format!("psql -h /tmp -U drill -d {database} -At -c \"{counts}\" | psql -h /tmp -U drill -d {database} -At > {WORK_DIR}/{database}.restored.counts"));
        steps.push(format!(
            "diff {database}.counts {WORK_DIR}/{database}.restored.counts && echo '{database}: checksum and row counts match'"
        ));
    }
    steps.join("\n")
}
