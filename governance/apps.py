"""Change-control boards and the rules they enforce (DESIGN.md, "governance/")."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Change-control boards and reviews"

    def ready(self) -> None:
        from exceptions import hooks
        from governance import services
        from governance.views import endings, proposals

        # exceptions never imports governance: it asks for a board review through hooks it owns.
        hooks.register_board_router(services.request_review)
        hooks.register_extension_router(services.request_extension_review)
        hooks.register_withdrawal_listener(services.withdraw_review)
        hooks.register_selection_action(proposals.propose_link)  # "Propose sunset of these N"
        hooks.register_request_buttons(endings.request_buttons)  # Sunset… and Revoke… on the request page
        hooks.register_version_router(services.request_version_review)
