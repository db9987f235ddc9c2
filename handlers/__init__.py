"""The bot's handlers: one small module per job, each with a module-level `router`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def fresh_routers() -> list[Router]:
    """Copies of every module router, in dispatch order, for one new Dispatcher.

    An aiogram router can belong to one dispatcher only, and tests and benchmarks build
    several in one process; handler objects are shared, routers are not.
    """
    from aiogram import Router

    from handlers import (
        admin,
        articles,
        commands,
        errors,
        export,
        feeds_admin,
        follow,
        history,
        inline,
        lookup,
        maps,
        moderation,
        questions,
        review,
        stats,
    )

    # order matters: moderation's, feeds', follow's and history's and the map's buttons before lookup's catch-all callback, the
    # plain questions before articles, the article router's catch-all handlers last
    modules = (
        errors, commands, admin, moderation, review, feeds_admin, follow, history, maps, lookup, stats, export, inline,
        questions, articles,
    )  # fmt: skip
    copies = []
    for module in modules:
        source: Router = module.router
        copy = Router(name=source.name)
        for name, observer in source.observers.items():
            copy.observers[name].handlers.extend(observer.handlers)
        copies.append(copy)
    return copies
