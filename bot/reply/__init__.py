"""Turns a decision into the words a shopper reads (jinja2 templates per kind)."""

from bot.reply.render import MAIL_CONTACT, Flag, Handoff, Kind, Reply, ReplySource, Texts, render_reply, render_texts

__all__ = ["MAIL_CONTACT", "Flag", "Handoff", "Kind", "Reply", "ReplySource", "Texts", "render_reply", "render_texts"]
