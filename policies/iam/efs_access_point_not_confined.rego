# EFS access point without an enforced POSIX user or root directory
#
# ## What it does
# Flags EFS access points (`AWS::EFS::AccessPoint`, `aws_efs_access_point`)
# that set no `PosixUser` / `posix_user` (clients then act as whatever user
# and group their own requests name), and those whose root directory is not
# set or is `/` (clients then see the whole file system). Each missing limit
# is its own finding. A value the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# Lambda mounts EFS only through an access point, and several functions
# often share one file system. An access point that enforces a POSIX user and
# a root directory confines each function to its own directory as its own
# user; without them, any function (or a compromised dependency inside one)
# reads and rewrites every other function's files, as root if it asks to.
#
# ## Example
# ```yaml
# ModelsAccess:
#   Type: AWS::EFS::AccessPoint
#   Properties:
#     FileSystemId: !Ref ModelStore
# ```
#
# ## Use instead
# ```yaml
#     PosixUser: {Uid: "1001", Gid: "1001"}
#     RootDirectory:
#       Path: /models
#       CreationInfo: {OwnerUid: "1001", OwnerGid: "1001", Permissions: "750"}
# ```
#
# ## References
# - https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html
package faasguard.rules.iam.efs_access_point_not_confined

import rego.v1

metadata := {
	"id": "FG-IAM-021",
	"title": "EFS access point without an enforced POSIX user or root directory",
	"severity": "low",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set PosixUser (Uid, Gid) and a RootDirectory with a Path other than / (and CreationInfo) on the access point, one access point per function or purpose.",
	"fixes": {"terraform": "Add `posix_user { uid = ..., gid = ... }` and `root_directory { path = \"/<app>\" creation_info { ... } }` to the `aws_efs_access_point`."},
}

deny contains {
	"resource": ap.id,
	"path": "posix_user",
	"message": sprintf("EFS access point %s enforces no POSIX user (%s not set): clients act as any user and group they name, root included", [ap.name, user_arg]),
} if {
	some ap in input.efs_access_points
	not "posix_user" in object.keys(ap)
}

deny contains {
	"resource": ap.id,
	"path": "root_directory",
	"message": sprintf("EFS access point %s has no root directory (%s not set, so /): clients see the whole file system", [ap.name, root_arg]),
} if {
	some ap in input.efs_access_points
	not "root_directory" in object.keys(ap)
}

deny contains {
	"resource": ap.id,
	"path": "root_directory",
	"message": sprintf("EFS access point %s has root directory / (%s): clients see the whole file system; give it a directory of its own", [ap.name, root_arg]),
} if {
	some ap in input.efs_access_points
	ap.root_directory == "/"
}

user_arg := "posix_user" if input.format == "terraform"

else := "PosixUser"

root_arg := "root_directory.path" if input.format == "terraform"

else := "RootDirectory.Path"
