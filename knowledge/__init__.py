"""Spred's knowledge: solutions, people, adoptions and demand, their store and the matcher.

Nothing here imports a chat platform's SDK.
"""
