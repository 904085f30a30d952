from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import notifications
from intimacy_ops.notifications.models import Notification


@login_required
@require_GET
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    notifications.mark_all_read(request.user)
    return redirect("notifications")
