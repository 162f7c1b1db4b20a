// Types of the `pipeline` hot path (built in its own issue).
export {};
