"""Turns a decision into the words a shopper reads (jinja2 templates per kind)."""

from bot.reply.render import Flag, Handoff, Kind, Reply, ReplySource, Texts, render_reply, render_texts

__all__ = ["Flag", "Handoff", "Kind", "Reply", "ReplySource", "Texts", "render_reply", "render_texts"]
