//! Module `object-storage-user`: a Public Cloud user with the Object Storage operator role,
//! its S3 access key, and an S3 policy that limits it to one bucket, for an in-cluster
//! client such as Velero. Without the policy the role reaches every bucket of the
//! project, Terraform state included.
//!
//! The secret key is readable only when the credential is created (the data source returns it
//! empty), so it is taken from this resource and passes through Terraform state.

use super::Module;
use crate::blocks::{output, resource, sensitive_output};
use crate::expr::{call, object, reference, strings, template, var};
use crate::resources::{PROJECT_USER, PROJECT_USER_S3_CREDENTIAL, PROJECT_USER_S3_POLICY};
use crate::validation::string_variable;
use hcl::{Block, Body};

/// The project role that grants S3 access to the project's buckets.
pub const OBJECTSTORE_ROLE: &str = "objectstore_operator";

/// The `object-storage-user` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(user()).add_block(credential()).add_block(policy()).build();
    Module { dir: "object-storage-user", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn user() -> Block {
    resource(PROJECT_USER, "user")
        .add_attribute(("description", var("description")))
        .add_attribute(("role_names", strings([OBJECTSTORE_ROLE])))
        .build()
}

fn credential() -> Block {
    resource(PROJECT_USER_S3_CREDENTIAL, "credential")
        .add_attribute(("user_id", reference(PROJECT_USER, &["user", "id"])))
        .build()
}

/// What a backup client does with its bucket: list it, and read, write and delete
/// objects (multipart uploads included). Nothing on any other bucket.
pub const BUCKET_ACTIONS: [&str; 8] = [
    "s3:GetBucketLocation",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
];

fn policy() -> Block {
    let statement = object([
        ("Sid", "OneBucket".into()),
        ("Effect", "Allow".into()),
        ("Action", strings(BUCKET_ACTIONS)),
        (
            "Resource",
            hcl::Expression::Array(vec![
                template("arn:aws:s3:::${var.bucket}"),
                template("arn:aws:s3:::${var.bucket}/*"),
            ]),
        ),
    ]);
    let document = object([("Statement", hcl::Expression::Array(vec![statement]))]);
    resource(PROJECT_USER_S3_POLICY, "policy")
        .add_attribute(("user_id", reference(PROJECT_USER, &["user", "id"])))
        .add_attribute(("policy", call("jsonencode", [document])))
        .build()
}

fn variables() -> Body {
    Body::builder()
        .add_block(string_variable(
            "bucket",
            "The only bucket the user may use (keikolatam-backups-dev).",
            "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            "Use an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'.",
        ))
        .add_block(string_variable(
            "description",
            "What the user is for, with its environment (velero keikolatam-dev).",
            "^[a-z][a-z0-9 -]+$",
            "Use lowercase words, digits and '-'.",
        ))
        .build()
}

fn outputs() -> Body {
    let credential = |field: &str| reference(PROJECT_USER_S3_CREDENTIAL, &["credential", field]);
    Body::builder()
        .add_block(output("user_id", "The Public Cloud user ID.", reference(PROJECT_USER, &["user", "id"])))
        .add_block(output("access_key_id", "The S3 access key ID.", credential("access_key_id")))
        .add_block(sensitive_output("secret_access_key", "The S3 secret access key.", credential("secret_access_key")))
        .build()
}
