"""zhengwu (政务): an integrated municipal e-government platform."""
