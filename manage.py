#!/usr/bin/env python3
from zhengwu.manage import main

if __name__ == "__main__":
    main()
