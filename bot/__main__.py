import sys

from bot.cli import main

# The guard matters: large knowledge bases are tokenised in spawned worker processes, which
# import this module again and must not start the command line a second time.
if __name__ == "__main__":
    sys.exit(main())
