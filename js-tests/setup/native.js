process.env.HOTPATH_BACKEND = 'native';
