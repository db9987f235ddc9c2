"""The application around the routers: settings, start-up work, middlewares, the console mode, aiogram plumbing."""
