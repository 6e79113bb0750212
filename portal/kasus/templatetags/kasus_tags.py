from django import template

from portal.kasus.kinds import kind_label

register = template.Library()


@register.filter
def riwayat_kind(kind: str) -> str:
    """A readable name for a timeline entry's kind."""
    return kind_label(kind)


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, extra: dict) -> str:
    """Render a feature app's panel with the page context plus the panel's own context."""
    tpl = context.template.engine.get_template(template_name)
    with context.push(**extra):
        return tpl.render(context)
