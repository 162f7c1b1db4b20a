process.env.HOTPATH_BACKEND = 'wasm';
