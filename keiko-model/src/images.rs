//! What the upstream images we run do to the filesystem, read from each image's source
//! at the tag we pin: the user its program runs as, and every path its entrypoint and
//! process write. Every container runs with a read-only root filesystem, so each of
//! those paths must be a writable volume; `tests/image_facts.rs` proves it for every
//! container of every environment and fails when an image's tag moves away from the
//! tag its facts were read at.

/// Who writes a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// The image's entrypoint script, before the program starts.
    Entrypoint,
    /// The image's program while it runs (with the image's default command or our args).
    Process,
}

/// One path an image writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write {
    /// The file, or the directory written into (ending in `/`).
    pub path: &'static str,
    /// Who writes it.
    pub by: Writer,
    /// An environment variable and value that switch the write off.
    pub unless: Option<(&'static str, &'static str)>,
    /// What writes it, briefly.
    pub because: &'static str,
}

/// The user an image's program needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum User {
    /// Exactly this uid: the image's files (and its data directories' expectations)
    /// belong to it.
    Uid(i64),
    /// Any non-root uid: the program owns no files of the image.
    AnyNonRoot,
}

/// The facts of one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image's repository, as image references name it.
    pub repository: &'static str,
    /// The tag the facts were read at.
    pub tag: &'static str,
    /// The user its program needs.
    pub user: User,
    /// What it writes.
    pub writes: &'static [Write],
    /// Where the facts come from.
    pub source: &'static str,
}

const CLICKHOUSE_ENTRYPOINT: &str = "https://github.com/ClickHouse/docker-library/blob/9d3f97b6126a2212ca91c4aca667324cace2755a/server/25.8.29.51/entrypoint.sh";

/// `clickhouse/clickhouse-server:25.8` (the `25.8` tag is built from the docker-library
/// copy of `docker/server` for 25.8.29.51; its entrypoint is byte-identical across 25.8).
pub const CLICKHOUSE: ImageFacts = ImageFacts {
    repository: "clickhouse/clickhouse-server",
    tag: "25.8",
    // Dockerfile.ubuntu: `useradd -r -g clickhouse --uid=101`; the data directory is its.
    user: User::Uid(101),
    writes: &[
        Write {
            path: "/tmp/users.xml",
            by: Writer::Entrypoint,
            unless: None,
            because: "the entrypoint copies users.xml to /tmp on every start, to tell whether a mounted config changed the default user",
        },
        Write {
            path: "/etc/clickhouse-server/users.d/default-user.xml",
            by: Writer::Entrypoint,
            unless: Some(("CLICKHOUSE_SKIP_USER_SETUP", "1")),
            because: "the entrypoint writes CLICKHOUSE_USER (removing `default`), or restricts `default` to localhost (ClickHouse PR #75259)",
        },
        Write {
            path: "/var/lib/clickhouse/",
            by: Writer::Entrypoint,
            unless: None,
            because: "mkdir -p of path, tmp_path, user_files_path and format_schema_path from extract-from-config",
        },
        Write {
            path: "/var/lib/clickhouse/preprocessed_configs/",
            by: Writer::Process,
            unless: None,
            because: "the server saves its merged configuration under <path>",
        },
        Write {
            path: "/var/log/clickhouse-server/clickhouse-server.log",
            by: Writer::Process,
            unless: None,
            because: "config.xml's logger.log (docker_related_config.xml keeps file logging on)",
        },
    ],
    source: CLICKHOUSE_ENTRYPOINT,
};

/// `neo4j:5.26.0-community`, from neo4j/docker-neo4j at tag `neo4j-5.26.0`.
pub const NEO4J: ImageFacts = ImageFacts {
    repository: "neo4j",
    tag: "5.26.0-community",
    // Dockerfile-debian: `adduser --uid 7474`; /data, /logs and /var/lib/neo4j are its.
    user: User::Uid(7474),
    writes: &[
        Write {
            path: "/var/lib/neo4j/conf/neo4j.conf",
            by: Writer::Entrypoint,
            unless: None,
            because: "the entrypoint appends server.default_listen_address and the NEO4J_* settings, and rewrites lines with sed --in-place (so the directory must be writable)",
        },
        Write {
            path: "/data/dbms/auth.ini",
            by: Writer::Entrypoint,
            unless: None,
            because: "neo4j-admin dbms set-initial-password from NEO4J_AUTH or NEO4J_AUTH_PATH",
        },
        Write {
            path: "/data/databases/",
            by: Writer::Process,
            unless: None,
            because: "server.directories.data is /data",
        },
        Write {
            path: "/logs/debug.log",
            by: Writer::Process,
            unless: None,
            because: "the entrypoint sets server.directories.logs=/logs",
        },
        Write { path: "/tmp/", by: Writer::Process, unless: None, because: "the JVM's hsperfdata and temporary files" },
    ],
    source: "https://github.com/neo4j/docker-neo4j/blob/neo4j-5.26.0/docker-image-src/5/coredb/docker-entrypoint.sh",
};

/// `fluent/fluent-bit:4.0.7`: the store log shipper. With `-i tail` and no `db` or
/// `storage.path` it keeps no state on disk.
pub const FLUENT_BIT: ImageFacts = ImageFacts {
    repository: "fluent/fluent-bit",
    tag: "4.0.7",
    // The distroless image has no USER; it only reads the logs volume it is given.
    user: User::AnyNonRoot,
    writes: &[],
    source: "https://github.com/fluent/fluent-bit/blob/v4.0.7/dockerfiles/Dockerfile",
};

/// `otel/opentelemetry-collector-contrib:0.135.0`: no file_storage extension is
/// configured, so it writes nothing.
pub const OTEL_COLLECTOR: ImageFacts = ImageFacts {
    repository: "otel/opentelemetry-collector-contrib",
    tag: "0.135.0",
    // USER 10001 in the Dockerfile; the binary owns no files.
    user: User::AnyNonRoot,
    writes: &[],
    source: "https://github.com/open-telemetry/opentelemetry-collector-releases/blob/v0.135.0/distributions/otelcol-contrib/Dockerfile",
};

/// `postgres:17.6-alpine3.22`, run only with our own `command` (pg_dump, psql, and the
/// drill's initdb and pg_ctl), never its server entrypoint. initdb and the server look
/// the effective uid up in /etc/passwd and stop without it ("could not look up
/// effective user ID"), so the container runs as the image's `postgres` user
/// (`adduser -u 70 -S -D -G postgres` in the Dockerfile).
pub const POSTGRES: ImageFacts = ImageFacts {
    repository: "postgres",
    tag: "17.6-alpine3.22",
    user: User::Uid(70),
    writes: &[],
    source: "https://github.com/docker-library/postgres/blob/master/17/alpine3.22/Dockerfile",
};

/// `amazon/aws-cli:2.31.13`, run with our own `command`; static credentials from the
/// environment need no `~/.aws`.
pub const AWS_CLI: ImageFacts = ImageFacts {
    repository: "amazon/aws-cli",
    tag: "2.31.13",
    user: User::AnyNonRoot,
    writes: &[],
    source: "https://github.com/aws/aws-cli/blob/2.31.13/docker/Dockerfile",
};

/// `curlimages/curl:8.16.0`, run with our own `command`.
pub const CURL: ImageFacts = ImageFacts {
    repository: "curlimages/curl",
    tag: "8.16.0",
    user: User::AnyNonRoot,
    writes: &[],
    source: "https://github.com/curl/curl-container/blob/8.16.0/Dockerfile",
};

/// Every upstream image whose facts are known.
pub const ALL: [ImageFacts; 7] = [CLICKHOUSE, NEO4J, FLUENT_BIT, OTEL_COLLECTOR, POSTGRES, AWS_CLI, CURL];

/// The facts of `image` (`repository:tag`), by repository.
pub fn facts(image: &str) -> Option<&'static ImageFacts> {
    let repository = image.rsplit_once(':').map_or(image, |(repository, _)| repository);
    ALL.iter().find(|f| f.repository == repository)
}

/// The writes of `facts` that happen in a container with these settings: none when the
/// container replaces the image's entrypoint with a `command` of its own (what that
/// command writes is ours to mount), and none that `env` switches off.
pub fn writes_in<'a>(
    facts: &'a ImageFacts,
    has_command: bool,
    env: &'a [(String, String)],
) -> impl Iterator<Item = &'a Write> + 'a {
    facts.writes.iter().filter(move |w| {
        let switched_off = w.unless.is_some_and(|(k, v)| env.iter().any(|(name, value)| name == k && value == v));
        !has_command && !switched_off
    })
}
