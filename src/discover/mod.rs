//! Discover stage: which files a scan looks at, and what each one is.
//!
//! This module owns three decisions and nothing else:
//! - [`walk`]: which files under the scan paths are *candidates*, judged by name alone (ignore files,
//!   `--exclude` globs, directories that are never worth scanning, the size limit);
//! - [`read_text`]: turning a candidate into text, refusing binary data and invalid UTF-8;
//! - [`classify`]: what a candidate *is*, judged by a cheap scan of its content (a CloudFormation
//!   template is recognised by what it holds, not by its name).
//!
//! Parsing belongs to [`crate::parse`]; nothing here builds a tree.
//!
//! Ignore rules, in order of who wins:
//! 1. A file named on the command line is always a candidate when its name qualifies: only
//!    `--exclude` globs can drop it (matched against the path as given). Ignore files and hidden-name
//!    rules do not apply to it, as in ripgrep, so naming a file is a way to scan it anyway.
//! 2. Inside a directory: `--exclude` globs (gitignore syntax, relative to that directory), then
//!    `.faasguardignore`, `.ignore` and `.gitignore` files, honoured whether or not the directory is in
//!    a git repository, then hidden entries (names starting with `.`, but for Terraform's lock file
//!    [`TERRAFORM_LOCK`], when it is not a link) and [`ALWAYS_SKIPPED`].
//! 3. Ignore files in the *parent* directories of a scan path count only up to the root of the git
//!    repository that holds it (the nearest ancestor with a `.git`). Outside a repository only the
//!    scan path and what is below it count. This keeps `faasguard scan infra/` honouring the
//!    repository's top-level `.gitignore` while a stray `.gitignore` in a home directory never changes
//!    results. The global git excludes file and `.git/info/exclude` are never read, for the same
//!    reason. Limitation: a `!pattern` in an ignore file *below* the scan path cannot re-include a
//!    file that a parent directory's ignore file excludes.

use std::path::PathBuf;

mod classify;
mod read;
mod walk;

pub use classify::{classify, unread_by_content, Kind};
pub use read::{read_text, ReadError};
pub use walk::walk;

/// Directory names that are never descended into, wherever they are: build output, dependency
/// caches and tool state. `vendor` is deliberately absent: Python Lambda code is often vendored
/// there, and Terraform modules too; `--exclude vendor/**` drops it when that is not wanted.
pub const ALWAYS_SKIPPED: &[&str] = &[
    ".aws-sam",
    ".git",
    ".serverless",
    ".terraform",
    ".terragrunt-cache",
    ".venv",
    "__pycache__",
    "cdk.out",
    "node_modules",
    "target",
    "venv",
];

/// Terraform's dependency lock file: hidden, yet read (beside a module's `.tf` files it says which
/// provider releases the module runs with).
pub const TERRAFORM_LOCK: &str = ".terraform.lock.hcl";

/// The project's own ignore file, read like `.gitignore` (and winning over it).
pub const IGNORE_FILE_NAME: &str = ".faasguardignore";

/// The scan path that means standard input (`faasguard scan -`): a template read from it, classified
/// by content like a `*.template` file.
pub const STDIN_PATH: &str = "-";

/// How standard input is named in reports and diagnostics.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Settings for [`walk`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Gitignore-style globs, relative to the scan root (`tests/**`, `*.json`, `fixtures/`).
    pub excludes: Vec<String>,
    /// Candidates larger than this are reported as [`Skipped`], not read.
    pub max_file_size: u64,
    /// Follow symbolic links while walking directories (a link named on the command line is always
    /// followed).
    pub follow_links: bool,
    /// Walk the `cdk.out` directories found beside the walked ones (`scan_cdk_out` in the config):
    /// CDK's synthesized templates, nested stack templates and asset folders. Off by default, as
    /// for other tool output; a `cdk.out` named on the command line is walked either way.
    pub scan_cdk_out: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            excludes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_links: false,
            scan_cdk_out: false,
        }
    }
}

/// An `--exclude` glob that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid --exclude glob `{glob}`: {message}")]
pub struct InvalidExclude {
    pub(crate) glob: String,
    pub(crate) message: String,
}

impl Options {
    /// Checks every `--exclude` glob, so the command line can fail early (exit 2) on a bad one.
    /// [`walk`] itself reports a bad glob as a [`Skipped`] entry and goes on without it.
    pub fn validate(&self) -> Result<(), InvalidExclude> {
        self.excludes
            .iter()
            .try_for_each(|glob| walk::check_exclude(glob))
    }
}

/// What a candidate file may be, by its name alone (content decides later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Candidate {
    /// `*.yaml`, `*.yml`: a SAM or CloudFormation template, a Serverless Framework file or another
    /// YAML file (content decides).
    Yaml,
    /// `*.json` other than tool configuration (`package.json`, `tsconfig.*.json`, ...): a template,
    /// a Terraform plan or another JSON file.
    Json,
    /// `*.tf`
    Terraform,
    /// `*.tf.json`
    TerraformJson,
    /// `*.tfvars`, `*.tfvars.json`
    TfVars,
    /// `samconfig.toml|yaml|yml`
    SamConfig,
    /// `.terraform.lock.hcl`, the provider releases `terraform init` chose for the module beside
    /// it (the one hidden name the walk reads).
    TerraformLock,
    /// A dependency lockfile, by its exact name.
    Lockfile(LockfileKind),
    /// `*.template` with no YAML/JSON extension: content sniffed as JSON if it starts with `{`,
    /// else YAML.
    Template,
}

/// Which dependency lockfile a file is, by its exact name (the dependency stage reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockfileKind {
    /// `Cargo.lock` (Rust).
    Cargo,
    /// `package-lock.json` (npm).
    NpmPackageLock,
    /// `npm-shrinkwrap.json` (npm).
    NpmShrinkwrap,
    /// `yarn.lock` (Yarn classic or Berry).
    Yarn,
    /// `pnpm-lock.yaml` (pnpm).
    Pnpm,
    /// `requirements*.txt` (pip; pinned `==` lines only are exact versions).
    RequirementsTxt,
    /// `poetry.lock` (Poetry).
    Poetry,
    /// `Pipfile.lock` (Pipenv).
    Pipfile,
    /// `uv.lock` (uv).
    Uv,
    /// `go.mod` (Go modules).
    GoMod,
    /// `go.sum` (Go module checksums).
    GoSum,
}

/// JSON files that are never IaC: tool configuration that sits next to templates.
const NOT_IAC_JSON: &[&str] = &[
    "angular.json",
    "bower.json",
    "cdk.context.json",
    "cdk.json",
    "composer.json",
    "deno.json",
    "jsconfig.json",
    "lerna.json",
    "nx.json",
    "package.json",
    "renovate.json",
    "tsconfig.json",
    "turbo.json",
    "vercel.json",
];

impl Candidate {
    /// The candidate a file name makes, or `None` for a file the scan ignores.
    /// Lockfile names are matched exactly (their tools write them so); extensions ignore ASCII case.
    pub fn from_file_name(name: &str) -> Option<Candidate> {
        let lockfile = match name {
            "Cargo.lock" => Some(LockfileKind::Cargo),
            "package-lock.json" => Some(LockfileKind::NpmPackageLock),
            "npm-shrinkwrap.json" => Some(LockfileKind::NpmShrinkwrap),
            "yarn.lock" => Some(LockfileKind::Yarn),
            "pnpm-lock.yaml" => Some(LockfileKind::Pnpm),
            "poetry.lock" => Some(LockfileKind::Poetry),
            "Pipfile.lock" => Some(LockfileKind::Pipfile),
            "uv.lock" => Some(LockfileKind::Uv),
            "go.mod" => Some(LockfileKind::GoMod),
            "go.sum" => Some(LockfileKind::GoSum),
            _ if name.starts_with("requirements") && name.ends_with(".txt") => {
                Some(LockfileKind::RequirementsTxt)
            }
            _ => None,
        };
        if let Some(kind) = lockfile {
            return Some(Candidate::Lockfile(kind));
        }
        if name == TERRAFORM_LOCK {
            return Some(Candidate::TerraformLock);
        }
        let lower = name.to_ascii_lowercase();
        let lower = lower.as_str();
        if matches!(lower, "samconfig.toml" | "samconfig.yaml" | "samconfig.yml") {
            return Some(Candidate::SamConfig);
        }
        if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
            return Some(Candidate::TfVars);
        }
        if lower.ends_with(".tf.json") {
            return Some(Candidate::TerraformJson);
        }
        if lower.ends_with(".tf") {
            return Some(Candidate::Terraform);
        }
        if lower.ends_with(".template") {
            return Some(Candidate::Template);
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Some(Candidate::Yaml);
        }
        if lower.ends_with(".json") {
            let tool_config = NOT_IAC_JSON.contains(&lower)
                || (lower.starts_with("tsconfig.") || lower.starts_with("jsconfig."))
                || lower.ends_with(".lock.json");
            return (!tool_config).then_some(Candidate::Json);
        }
        None
    }
}

/// A candidate file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The path as on disk (the scan path joined with the walked part).
    pub path: PathBuf,
    /// Relative to the scan path it was found under, with `/` separators; for a file named on the
    /// command line, its path as given (a leading `./` dropped).
    pub display: String,
    pub(crate) candidate: Candidate,
}

/// Something the walk could not look at, worth one diagnostic: a file over the size limit, an
/// unreadable directory, a symbolic-link loop, a missing scan path, a bad ignore file or glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub(crate) path: PathBuf,
    pub(crate) display: String,
    pub(crate) reason: String,
}

/// The outcome of [`walk`]: every list sorted by `display`, then `path`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    pub(crate) files: Vec<Found>,
    pub(crate) skipped: Vec<Skipped>,
    /// Files named on the command line whose name faasguard does not read, with why: naming a
    /// file is a request to scan it, so silence would read as "scanned, nothing found".
    pub unread: Vec<Skipped>,
}

/// Which shard (1-based `k` of `n`) a file belongs to: a stable hash of its
/// display path, so every matrix job agrees without coordination.
pub fn shard_of(display: &str, n: u32) -> u32 {
    (crate::finding::fnv1a(&[display]) % u64::from(n.max(1))) as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::classify::{json_top_level_keys, resource_types, yaml_top_level_keys};
    use super::walk::{given_display, slashed};
    use super::*;
    use std::path::Path;

    #[test]
    fn shards_are_stable_and_cover_everything() {
        let files: Vec<String> = (0..100).map(|i| format!("svc{i}/template.yaml")).collect();
        let counts: Vec<usize> = (1..=3)
            .map(|k| files.iter().filter(|f| shard_of(f, 3) == k).count())
            .collect();
        assert_eq!(counts.iter().sum::<usize>(), 100);
        assert!(counts.iter().all(|&c| c > 15), "{counts:?}");
        assert_eq!(shard_of("a.yaml", 1), 1);
    }
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, text).unwrap();
    }

    fn displays(walk: &Walk) -> Vec<&str> {
        walk.files.iter().map(|f| f.display.as_str()).collect()
    }

    fn walk_one(root: &Path, opts: &Options) -> Walk {
        walk(&[root.to_path_buf()], opts)
    }

    const SAM_YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n";

    #[test]
    fn gitignore_honoured_outside_a_git_repo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "generated/\n*.gen.yaml\n");
        write(root, "template.yaml", SAM_YAML);
        write(root, "a.gen.yaml", SAM_YAML);
        write(root, "generated/template.yaml", SAM_YAML);
        write(root, "sub/.ignore", "skip.yaml\n");
        write(root, "sub/skip.yaml", SAM_YAML);
        write(root, "sub/keep.yaml", SAM_YAML);
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["sub/keep.yaml", "template.yaml"]);
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    }

    #[test]
    fn faasguardignore_honoured_and_wins_over_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "*.yaml\n");
        write(root, ".faasguardignore", "!keep.yaml\nfixtures/\n");
        write(root, "keep.yaml", SAM_YAML);
        write(root, "other.yaml", SAM_YAML);
        write(root, "fixtures/bad.json", "{}");
        write(root, "main.tf", "");
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["keep.yaml", "main.tf"]);
    }

    #[test]
    fn parent_ignore_files_count_only_inside_a_git_repo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "*.gen.yaml\n");
        write(root, "infra/a.gen.yaml", SAM_YAML);
        write(root, "infra/template.yaml", SAM_YAML);
        let infra = root.join("infra");
        let outside = walk_one(&infra, &Options::default());
        assert_eq!(displays(&outside), ["a.gen.yaml", "template.yaml"]);
        fs::create_dir(root.join(".git")).unwrap();
        let inside = walk_one(&infra, &Options::default());
        assert_eq!(displays(&inside), ["template.yaml"]);
    }

    #[test]
    fn excludes_remove_files_relative_to_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "tests/t.yaml", SAM_YAML);
        write(root, "src/tests/t.yaml", SAM_YAML);
        write(root, "a.json", "{}");
        write(root, "deep/b.json", "{}");
        write(root, "template.yaml", SAM_YAML);
        let opts = Options {
            excludes: vec!["tests/**".into(), "*.json".into()],
            ..Options::default()
        };
        assert!(opts.validate().is_ok());
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["src/tests/t.yaml", "template.yaml"]);
        assert!(got.skipped.is_empty());

        // A leading `./` in a glob means the scan root.
        let opts = Options {
            excludes: vec!["./src/**".into()],
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert!(!displays(&got).contains(&"src/tests/t.yaml"));
        assert!(displays(&got).contains(&"tests/t.yaml"));
    }

    #[test]
    fn excludes_apply_to_files_named_directly() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "tests/t.yaml", SAM_YAML);
        let file = root.join("tests/t.yaml");
        let opts = Options {
            excludes: vec!["*.yaml".into()],
            ..Options::default()
        };
        assert!(walk(std::slice::from_ref(&file), &opts).files.is_empty());
        let opts = Options {
            excludes: vec!["tests/".into()],
            ..Options::default()
        };
        assert!(walk(std::slice::from_ref(&file), &opts).files.is_empty());
        assert_eq!(walk(&[file], &Options::default()).files.len(), 1);
    }

    #[test]
    fn invalid_exclude_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "template.yaml", SAM_YAML);
        let opts = Options {
            excludes: vec!["a[".into(), "!keep".into()],
            ..Options::default()
        };
        assert!(opts.validate().is_err());
        let got = walk_one(dir.path(), &opts);
        assert_eq!(displays(&got), ["template.yaml"]);
        assert_eq!(got.skipped.len(), 2, "{:?}", got.skipped);
        assert!(got.skipped.iter().all(|s| s.reason.contains("--exclude")));
    }

    #[test]
    fn tool_directories_and_hidden_directories_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for skipped in [
            "node_modules/pkg/template.yaml",
            ".aws-sam/build/template.yaml",
            "cdk.out/Stack.template.json",
            ".terraform/modules/m/main.tf",
            ".serverless/cloudformation-template-update-stack.json",
            "target/x.yaml",
            "__pycache__/x.yaml",
            ".venv/x.yaml",
            "venv/x.yaml",
            ".github/workflows/ci.yml",
            "app/node_modules/x/serverless.yml",
        ] {
            write(root, skipped, SAM_YAML);
        }
        write(root, "vendor/lib/requirements.txt", "");
        write(root, ".hidden.yaml", SAM_YAML);
        write(root, "template.yaml", SAM_YAML);
        let got = walk_one(root, &Options::default());
        assert_eq!(
            displays(&got),
            ["template.yaml", "vendor/lib/requirements.txt"]
        );
        // A hidden file or a tool directory named directly is scanned.
        let hidden = root.join(".hidden.yaml");
        let named = walk(&[hidden], &Options::default());
        assert_eq!(displays(&named).len(), 1);
        let modules = walk_one(&root.join("node_modules"), &Options::default());
        assert_eq!(displays(&modules), ["pkg/template.yaml"]);
    }

    #[test]
    fn terraform_lock_files_are_the_one_hidden_name_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "infra/main.tf", "");
        write(root, "infra/.terraform.lock.hcl", "");
        write(root, "infra/.other.lock.hcl", "");
        // Inside a hidden directory, or ignored, it is not read.
        write(root, ".cache/.terraform.lock.hcl", "");
        write(root, "old/.terraform.lock.hcl", "");
        write(root, ".gitignore", "old/\n");
        let got = walk_one(root, &Options::default());
        assert_eq!(
            displays(&got),
            ["infra/.terraform.lock.hcl", "infra/main.tf"]
        );
        assert_eq!(got.files[0].candidate, Candidate::TerraformLock);
    }

    /// A lock file that is a link (which could lead out of the repository)
    /// is not read.
    #[cfg(unix)]
    #[test]
    fn a_linked_terraform_lock_file_is_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.hcl", "provider \"x\" {}");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "main.tf", "");
        std::os::unix::fs::symlink(
            outside.path().join("secret.hcl"),
            dir.path().join(TERRAFORM_LOCK),
        )
        .unwrap();
        for follow_links in [false, true] {
            let opts = Options {
                follow_links,
                ..Options::default()
            };
            assert_eq!(displays(&walk_one(dir.path(), &opts)), ["main.tf"]);
        }
    }

    #[test]
    fn names_decide_candidates() {
        use Candidate as C;
        use LockfileKind as L;
        let cases = [
            ("template.yaml", Some(C::Yaml)),
            ("stack.YML", Some(C::Yaml)),
            ("Stack.template.json", Some(C::Json)),
            ("app.template", Some(C::Template)),
            ("serverless.yml", Some(C::Yaml)),
            ("serverless.json", Some(C::Json)),
            ("main.tf", Some(C::Terraform)),
            ("main.tf.json", Some(C::TerraformJson)),
            ("prod.tfvars", Some(C::TfVars)),
            ("prod.tfvars.json", Some(C::TfVars)),
            (".terraform.lock.hcl", Some(C::TerraformLock)),
            ("terraform.lock.hcl", None),
            ("samconfig.toml", Some(C::SamConfig)),
            ("samconfig.yaml", Some(C::SamConfig)),
            ("Cargo.lock", Some(C::Lockfile(L::Cargo))),
            ("package-lock.json", Some(C::Lockfile(L::NpmPackageLock))),
            ("npm-shrinkwrap.json", Some(C::Lockfile(L::NpmShrinkwrap))),
            ("yarn.lock", Some(C::Lockfile(L::Yarn))),
            ("pnpm-lock.yaml", Some(C::Lockfile(L::Pnpm))),
            ("requirements.txt", Some(C::Lockfile(L::RequirementsTxt))),
            (
                "requirements-dev.txt",
                Some(C::Lockfile(L::RequirementsTxt)),
            ),
            ("poetry.lock", Some(C::Lockfile(L::Poetry))),
            ("Pipfile.lock", Some(C::Lockfile(L::Pipfile))),
            ("uv.lock", Some(C::Lockfile(L::Uv))),
            ("go.mod", Some(C::Lockfile(L::GoMod))),
            ("go.sum", Some(C::Lockfile(L::GoSum))),
            ("package.json", None),
            ("tsconfig.json", None),
            ("tsconfig.build.json", None),
            ("deps.lock.json", None),
            ("cdk.json", None),
            ("handler.py", None),
            ("README.md", None),
            ("Pipfile", None),
            ("notes.txt", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(Candidate::from_file_name(name), want, "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_with_follow_links_becomes_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/template.yaml", SAM_YAML);
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        std::os::unix::fs::symlink("self", root.join("self")).unwrap();
        let opts = Options {
            follow_links: true,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["a/template.yaml"]);
        assert!(
            got.skipped
                .iter()
                .any(|s| s.display == "a/up" && s.reason.contains("loop")),
            "{:?}",
            got.skipped
        );
        // The self-referencing link is reported too (the OS calls it a loop), and nothing hangs.
        assert!(
            got.skipped.iter().any(|s| s.display == "self"),
            "{:?}",
            got.skipped
        );
        // Without following, links are passed over silently.
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["a/template.yaml"]);
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "real/template.yaml", SAM_YAML);
        std::os::unix::fs::symlink("real", root.join("link")).unwrap();
        let opts = Options {
            follow_links: true,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["link/template.yaml"]);
        let file = root.join("real/template.yaml");
        let got = walk(&[file.clone(), file.clone()], &Options::default());
        assert_eq!(got.files.len(), 1);
        let got = walk(&[root.join("real"), file], &Options::default());
        assert_eq!(got.files.len(), 1);
    }

    #[test]
    fn output_is_sorted_and_independent_of_argument_and_creation_order() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let names = ["z.yaml", "a.yaml", "m/x.json", "B.tf", "m/a.yaml", "k.yml"];
        for name in names {
            write(a.path(), name, "x");
        }
        for name in names.iter().rev() {
            write(b.path(), name, "x");
        }
        let wa = walk_one(a.path(), &Options::default());
        let wb = walk_one(b.path(), &Options::default());
        assert_eq!(displays(&wa), displays(&wb));
        assert_eq!(
            displays(&wa),
            ["B.tf", "a.yaml", "k.yml", "m/a.yaml", "m/x.json", "z.yaml"]
        );
        let both = walk(
            &[a.path().to_path_buf(), b.path().to_path_buf()],
            &Options::default(),
        );
        let reversed = walk(
            &[b.path().to_path_buf(), a.path().to_path_buf()],
            &Options::default(),
        );
        assert_eq!(both, reversed);
        assert_eq!(both.files.len(), 12);
    }

    #[test]
    fn too_large_and_missing_are_skipped_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "big.yaml", &"a: b\n".repeat(100));
        write(root, "big.bin", &"x".repeat(1000)); // not a candidate: no diagnostic
        write(root, "small.yaml", "a: b\n");
        let opts = Options {
            max_file_size: 100,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["small.yaml"]);
        assert_eq!(got.skipped.len(), 1);
        assert_eq!(got.skipped[0].display, "big.yaml");
        assert!(got.skipped[0].reason.contains("500 bytes"));
        assert!(got.skipped[0].reason.contains("100-byte limit"));

        let got = walk(&[root.join("big.yaml")], &opts);
        assert!(got.files.is_empty());
        assert_eq!(got.skipped.len(), 1);

        let missing = root.join("nope");
        let got = walk(&[missing], &opts);
        assert!(got.files.is_empty());
        assert!(got.skipped[0].reason.contains("cannot read"));
    }

    #[test]
    fn named_files_that_are_not_read_say_why() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.md", "# hi\n");
        write(dir.path(), "package.json", "{}\n");
        write(dir.path(), "skip.md", "# excluded\n");
        let paths = ["README.md", "package.json", "skip.md"].map(|n| dir.path().join(n));
        let opts = Options {
            excludes: vec!["skip.md".to_owned()],
            ..Options::default()
        };
        let got = walk(&paths, &opts);
        assert!(got.files.is_empty());
        assert!(got.skipped.is_empty());
        let shown: Vec<(&str, &str)> = got
            .unread
            .iter()
            .map(|u| {
                (
                    u.display.rsplit('/').next().unwrap_or(""),
                    u.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "README.md",
                    "not read: faasguard reads templates and services (`.yaml`, `.yml`, `.json`, \
                     `.template`), Terraform (`.tf`, `.tf.json`, `.tfvars`), `samconfig` files and \
                     lockfiles; this file's name is none of these"
                ),
                (
                    "package.json",
                    "not read: `package.json` is tool configuration, not infrastructure-as-code \
                     (faasguard never reads it as a template)"
                ),
            ]
        );
        // Inside a directory such files are passed over quietly.
        assert!(walk_one(dir.path(), &Options::default()).unread.is_empty());
    }

    #[test]
    fn dash_is_standard_input_and_is_never_looked_up_on_disk() {
        let got = walk(&[PathBuf::from("-")], &Options::default());
        assert_eq!(
            got.files,
            [Found {
                path: PathBuf::from("-"),
                display: "<stdin>".to_owned(),
                candidate: Candidate::Template,
            }]
        );
        assert!(got.skipped.is_empty() && got.unread.is_empty());
        assert_eq!(unread_by_content(Candidate::Terraform), None);
        assert!(unread_by_content(Candidate::Template).is_some());
    }

    #[test]
    fn display_of_a_file_named_directly_is_the_path_as_given() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "infra/template.yaml", SAM_YAML);
        let file = dir.path().join("infra/template.yaml");
        let got = walk(std::slice::from_ref(&file), &Options::default());
        assert_eq!(got.files[0].display, slashed(&file));
        assert_eq!(got.files[0].path, file);
        assert_eq!(given_display(Path::new("./infra/t.yaml")), "infra/t.yaml");
        assert_eq!(given_display(Path::new("./")), "./");
    }

    #[test]
    fn classify_sam_yaml() {
        assert_eq!(
            classify(Candidate::Yaml, "template.yaml", SAM_YAML),
            Some(Kind::CloudFormation {
                json: false,
                sam: true
            })
        );
        // Transform alone is enough, in list form too.
        let text = "Transform:\n  - AWS::Serverless-2016-10-31\nResources: {}\n";
        assert_eq!(
            classify(Candidate::Yaml, "t.yml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: true
            })
        );
    }

    #[test]
    fn classify_cfn_json() {
        let text = r#"
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": { "B": { "Type": "AWS::S3::Bucket" } }
        }"#;
        assert_eq!(
            classify(Candidate::Json, "Stack.template.json", text),
            Some(Kind::CloudFormation {
                json: true,
                sam: false
            })
        );
        // No version key: Resources with a CloudFormation type is enough.
        let text = "{\"Resources\":{\"F\":{\"Type\":\"AWS::Serverless::Function\"}}}";
        assert_eq!(
            classify(Candidate::Template, "x.template", text),
            Some(Kind::CloudFormation {
                json: true,
                sam: true
            })
        );
        // A nested "Resources" key is not top-level.
        let text = r#"{"x": {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}}"#;
        assert_eq!(classify(Candidate::Json, "x.json", text), None);
        // Escaped quotes inside strings do not confuse the key scan.
        let text =
            r#"{"d": "a \"Resources\": b", "Resources": {"B": {"Type": "AWS::SQS::Queue"}}}"#;
        assert!(classify(Candidate::Json, "x.json", text).is_some());
    }

    #[test]
    fn classify_stack_yml_by_content() {
        let text = "# my stack\n---\nResources:\n  Queue:\n    Type: \"AWS::SQS::Queue\"\n";
        assert_eq!(
            classify(Candidate::Yaml, "stack.yml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
        let text = "\u{feff}Resources:\n  Skill: {Type: 'Alexa::ASK::Skill'}\n";
        assert!(classify(Candidate::Yaml, "stack.yml", text).is_some());
        // Resources without a CloudFormation type: not a template.
        let text = "Resources:\n  cpu: 2\n  Type: big\n";
        assert_eq!(classify(Candidate::Yaml, "stack.yml", text), None);
        // A type-looking value under another key: not a template.
        let text = "resources:\n  Resources:\n    T:\n      Type: AWS::SNS::Topic\n";
        assert_eq!(classify(Candidate::Yaml, "conf.yml", text), None);
        let text = "Resources:\n  T:\n    ContentType: AWS::SNS::Topic\n";
        assert_eq!(classify(Candidate::Yaml, "conf.yml", text), None);
    }

    #[test]
    fn classify_indented_top_level_mapping() {
        // The whole document indented under `---` (cfn-lint's quickstart templates).
        let text = "---\n  AWSTemplateFormatVersion: '2010-09-09'\n  Resources:\n    Fn:\n      Type: AWS::Lambda::Function\n";
        assert_eq!(
            classify(Candidate::Yaml, "cis.yaml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
        assert_eq!(
            yaml_top_level_keys(text),
            ["AWSTemplateFormatVersion", "Resources"]
        );
        // Each document has its own top-level column.
        let two = "a: 1\n---\n    b: 2\n    c:\n      d: 3\n...\n  e: 4\n";
        assert_eq!(yaml_top_level_keys(two), ["a", "b", "c", "e"]);
        // Ordinary indented YAML stays ordinary: only the keys at the first column count.
        let k8s =
            "---\n  kind: ConfigMap\n  data:\n    Resources: x\n    AWSTemplateFormatVersion: y\n";
        assert_eq!(yaml_top_level_keys(k8s), ["kind", "data"]);
        assert_eq!(classify(Candidate::Yaml, "cm.yaml", k8s), None);
        // A document that starts with a sequence has no top-level keys.
        let seq = "  - AWSTemplateFormatVersion: x\n  - Resources: y\n";
        assert_eq!(classify(Candidate::Yaml, "list.yaml", seq), None);
    }

    #[test]
    fn classify_rejects_other_yaml_and_json() {
        let workflow = "name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n      - run: aws cloudformation deploy --template-file template.yaml # Type: AWS::S3::Bucket\n";
        assert_eq!(classify(Candidate::Yaml, "ci.yml", workflow), None);
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            limits:\n              cpu: 500m\n";
        assert_eq!(classify(Candidate::Yaml, "deploy.yaml", k8s), None);
        let compose = "services:\n  web:\n    image: nginx\n";
        assert_eq!(
            classify(Candidate::Yaml, "docker-compose.yml", compose),
            None
        );
        let openapi = "openapi: 3.0.0\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n";
        assert_eq!(classify(Candidate::Yaml, "api.yaml", openapi), None);
        let package = r#"{"name": "x", "dependencies": {"aws-sdk": "^2"}}"#;
        assert_eq!(classify(Candidate::Json, "x.json", package), None);
        assert_eq!(classify(Candidate::Yaml, "empty.yaml", ""), None);
        assert_eq!(classify(Candidate::Json, "a.json", "[1, 2]"), None);
        assert_eq!(classify(Candidate::Json, "a.json", "{\"a\": [}}}}"), None);
    }

    #[test]
    fn classify_serverless() {
        let text = "service: my-service\nprovider:\n  name: aws\n  runtime: nodejs20.x\nresources:\n  Resources:\n    T:\n      Type: AWS::SNS::Topic\n";
        assert_eq!(
            classify(Candidate::Yaml, "serverless.yml", text),
            Some(Kind::Serverless { json: false })
        );
        assert_eq!(
            classify(
                Candidate::Json,
                "serverless.json",
                r#"{"service": "x", "provider": {"name": "aws"}}"#
            ),
            Some(Kind::Serverless { json: true })
        );
        // Under another name, `service` and `provider` still make a service.
        assert_eq!(
            classify(Candidate::Yaml, "fail.serverless.yml", text),
            Some(Kind::Serverless { json: false })
        );
        assert_eq!(classify(Candidate::Yaml, "other.yml", "service: x\n"), None);
        let plan = r#"{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}"#;
        assert_eq!(
            classify(Candidate::Json, "plan.json", plan),
            Some(Kind::TerraformPlan)
        );
        // Non-content candidates are decided by name.
        assert_eq!(
            classify(Candidate::Terraform, "main.tf", ""),
            Some(Kind::Terraform)
        );
        assert_eq!(
            classify(Candidate::Lockfile(LockfileKind::Yarn), "yarn.lock", "\0"),
            Some(Kind::Lockfile(LockfileKind::Yarn))
        );
    }

    #[test]
    fn top_level_keys_are_cheap_and_panic_free() {
        assert_eq!(
            yaml_top_level_keys("a: 1\n\"b c\": 2\n'd' : 3\n  e: 4\nf:\nurl: http://x\n- g: 1\n"),
            ["a", "b c", "d", "f", "url"]
        );
        for text in [
            "\"",
            "'",
            "\"abc",
            "{",
            "{\"",
            "{\"a\\",
            "}}}",
            ":",
            "é: ü",
            "{\"é\":1}",
        ] {
            let _ = yaml_top_level_keys(text);
            let _ = json_top_level_keys(text);
            let _ = resource_types(text);
            let _ = classify(Candidate::Template, "x", text);
        }
    }

    #[test]
    fn read_text_refuses_binary_and_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bin = root.join("a.yaml");
        fs::write(&bin, b"Resources:\0\x01\x02").unwrap();
        assert!(matches!(read_text(&bin, 1 << 20), Err(ReadError::Binary)));

        let bad = root.join("b.yaml");
        fs::write(&bad, b"key: caf\xc3\xa9 \xff\n").unwrap();
        let err = read_text(&bad, 1 << 20).unwrap_err();
        assert!(
            matches!(err, ReadError::InvalidUtf8 { offset: 11 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("offset 11"));

        let empty = root.join("c.yaml");
        fs::write(&empty, b"").unwrap();
        assert_eq!(read_text(&empty, 1 << 20).unwrap(), "");

        let bom = root.join("d.yaml");
        fs::write(&bom, "\u{feff}a: 1\n").unwrap();
        assert_eq!(read_text(&bom, 1 << 20).unwrap(), "\u{feff}a: 1\n");

        let big = root.join("e.yaml");
        fs::write(&big, "a: 1\n".repeat(10)).unwrap();
        assert!(matches!(
            read_text(&big, 49),
            Err(ReadError::TooLarge {
                size: 50,
                limit: 49
            })
        ));
        assert_eq!(read_text(&big, 50).unwrap().len(), 50);

        assert!(matches!(
            read_text(&root.join("nope"), 10),
            Err(ReadError::Io(_))
        ));
        assert!(matches!(read_text(root, 10), Err(ReadError::Io(_))));
    }

    #[test]
    fn fifty_megabyte_file_is_read_and_classified() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
        let block = "  Q0:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: a-long-enough-queue-name}\n";
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(block);
        }
        fs::write(&path, &text).unwrap();
        let got = walk_one(dir.path(), &Options::default());
        assert_eq!(displays(&got), ["big.yaml"]);
        let read = read_text(&path, DEFAULT_MAX_FILE_SIZE).unwrap();
        assert_eq!(
            classify(Candidate::Yaml, "big.yaml", &read),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
    }

    /// The public corpus of real serverless.yml files (../shared/corpus).
    #[test]
    #[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
    fn corpus_serverless_examples_are_found_and_classified() {
        let root = crate::shared::path("corpus/real/serverless-examples");
        let got = walk_one(&root, &Options::default());
        let serverless: Vec<&Found> = got
            .files
            .iter()
            .filter(|f| {
                let name = f.display.rsplit('/').next().unwrap_or("");
                matches!(
                    name,
                    "serverless.yml" | "serverless.yaml" | "serverless.json"
                )
            })
            .collect();
        assert_eq!(serverless.len(), 191);
        for found in serverless {
            let text = read_text(&found.path, DEFAULT_MAX_FILE_SIZE).unwrap();
            let name = found.display.rsplit('/').next().unwrap_or("");
            let kind = classify(found.candidate, name, &text);
            assert!(
                matches!(kind, Some(Kind::Serverless { json: false })),
                "{}: {kind:?}",
                found.display
            );
        }
        // Every other candidate reads and classifies without a panic.
        for found in &got.files {
            if let Ok(text) = read_text(&found.path, DEFAULT_MAX_FILE_SIZE) {
                let name = found.display.rsplit('/').next().unwrap_or("");
                let _ = classify(found.candidate, name, &text);
            }
        }
    }
}
