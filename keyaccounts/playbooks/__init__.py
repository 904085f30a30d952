"""Playbooks per tier (issue 20, item 1): versioned lists of plays, the plays due per customer, the check that
creates, moves, reminds and escalates them. The app's contribution modules (access_rules, lifecycles, checks,
home_cards, demo, api, urls) import from here."""
