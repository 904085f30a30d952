"""The root-cause-analysis side of feedback (issue 16, items 3–5): the recurring-failure check
(`recurring`), the RCA's acts — its lifecycle, the five whys, corrective actions, closing the loop (`acts`,
`parts`) —, the effectiveness check after closing (`effectiveness`) and the escalation of overdue corrective
actions (`overdue`)."""
