// Types of the `debounce` hot path (built in its own issue).
export {};
