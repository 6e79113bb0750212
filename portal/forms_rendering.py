"""One way to render a form field everywhere: label, hint, error message, then the input (GOV.UK order)."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Looks templates up through TEMPLATES, so templates/_field.html applies to every form's fields."""

    field_template_name = "_field.html"
