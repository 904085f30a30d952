from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from intimacy_ops.accounts.models import FailedSignIn, Region, User
from intimacy_ops.admin import ReadOnlyAdmin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "is_active", "is_superuser"]
    list_filter = ["groups", "regions", "is_active", "is_superuser"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Regions", {"fields": ["regions"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "regions"]


@admin.register(FailedSignIn)
class FailedSignInAdmin(ReadOnlyAdmin):
    list_display = ["username", "ip", "at"]
    search_fields = ["username", "ip"]
