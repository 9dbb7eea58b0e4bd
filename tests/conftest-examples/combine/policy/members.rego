package main

import rego.v1

teams := {team.contents.name: team.contents.members |
	some team in input
	team.contents.kind == "Team"
}

deny contains msg if {
	some user in input
	user.contents.kind == "User"
	not user.contents.name in teams[user.contents.team]
	msg := sprintf("%s (%s) is not a member of team %s", [user.contents.name, user.path, user.contents.team])
}
