import os

from django.core.wsgi import get_wsgi_application

from portal.ops.allocator import keep_freed_memory

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Before Django loads: a worker's memory then rises to its working set and stays (portal.ops.allocator).
keep_freed_memory()
application = get_wsgi_application()
