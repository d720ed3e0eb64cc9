"""Emploi Montagne: the job board and training catalogue of the French mountain-tourism industry."""
