// Types of the `cache` hot path (built in its own issue).
export {};
