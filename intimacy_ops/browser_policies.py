"""What the browser may do on our pages: the Content-Security-Policy (django-csp) and the Permissions-Policy
(intimacy_ops.middleware). Plain data read by settings.py; nothing here comes from the environment."""

from csp.constants import NONE, SELF, UNSAFE_INLINE

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline or eval'd;
# styles may still be inline (`<style>` blocks and `style=` attributes in templates, Swagger UI's page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (intimacy_ops.middleware): the browser features the product never uses, switched off
# (only features Chromium knows: an unknown one is an error in its console).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "geolocation",
        "xr-spatial-tracking",
    )
}
