// Types of the `money` hot path (built in its own issue).
export {};
