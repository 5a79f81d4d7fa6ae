"""`{% person_panel view %}`: one registered panel of the person page (`qualifications.panels`).

Formats only: the panel's data was read by the page's selector."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def person_panel(context, view) -> str:
    panel_template = context.template.engine.get_template(view.panel.template_name)
    with context.push(panel=view.panel, **view.context):
        return panel_template.render(context)
