process.env.HOTPATH_TEST_POLICY = 'tinylfu';
